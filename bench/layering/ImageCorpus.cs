namespace Nixery.Bench.Layering;

/// <summary>
/// Image requests as a registry sees them: 1–5 packages each, drawn from a
/// Zipf-like popularity (a few packages are asked for all the time, most
/// rarely), plus <c>cacert</c> and <c>iana-etc</c>, which Nixery adds to
/// every image.
/// </summary>
public static class ImageCorpus
{
    public static IReadOnlyList<string[]> Requests(IReadOnlyList<string> requestable, int count, int seed)
    {
        var random = new Random(seed);
        var cumulative = new double[requestable.Count + 1];
        for (var rank = 0; rank < requestable.Count; rank++) cumulative[rank + 1] = cumulative[rank] + 1.0 / Math.Pow(rank + 1, 1.0);
        var sizes = new[] { 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5 };

        var requests = new List<string[]>();
        for (var i = 0; i < count; i++)
        {
            var packages = new SortedSet<string>(StringComparer.Ordinal);
            var wanted = sizes[random.Next(sizes.Length)];
            while (packages.Count < wanted)
            {
                var target = random.NextDouble() * cumulative[^1];
                var index = Array.BinarySearch(cumulative, target);
                if (index < 0) index = ~index;
                packages.Add(requestable[Math.Clamp(index - 1, 0, requestable.Count - 1)]);
            }
            packages.Add("cacert");
            packages.Add("iana-etc");
            requests.Add([.. packages]);
        }
        return requests;
    }
}

using System.Security.Cryptography;
using System.Text;
using Nixery.Layering;

namespace Nixery.Bench.Layering;

/// <summary>What pulling the corpus costs with one strategy.</summary>
/// <param name="CorpusBytes">Bytes a client with a layer cache downloads to pull every image of revision 1, in order.</param>
/// <param name="CorpusBlobs">Layers it downloads for that.</param>
/// <param name="RevisionBytes">Bytes it downloads to pull the corpus again on revision 2 afterwards.</param>
/// <param name="StoredBytes">Bytes of the distinct layers the registry keeps for both revisions.</param>
/// <param name="DockerCorpusBytes">As <paramref name="CorpusBytes"/>, for a client that reuses a layer only under the same chain of layers below it.</param>
/// <param name="DockerRevisionBytes">As <paramref name="RevisionBytes"/>, for that client.</param>
/// <param name="OverBudget">Images that got more groups than the budget.</param>
/// <param name="Digest">SHA-256 of every group of every image, to compare runs.</param>
public sealed record PullResult(
    long CorpusBytes, long CorpusBlobs, long RevisionBytes, long RevisionBlobs, long StoredBytes, long StoredLayers,
    int MaxLayers, double MeanLayers, long DockerCorpusBytes, long DockerRevisionBytes, int OverBudget, string Digest);

/// <summary>
/// Replays the corpus against a client cache. A layer is identified by its
/// content, the sorted set of its store paths, because that is what decides
/// its digest; its size is the sum of the paths' NAR sizes (uncompressed).
/// </summary>
public static class PullSimulation
{
    public static PullResult Run(
        ILayeringStrategy strategy, IReadOnlyList<string[]> requests,
        PackageSet first, LayeringContext firstContext, PackageSet second, LayeringContext secondContext)
    {
        var firstImages = requests.Select(r => LayerImage(strategy, first, first.ClosureOf(r), firstContext)).ToList();
        var secondImages = requests.Select(r => LayerImage(strategy, second, second.ClosureOf(r), secondContext)).ToList();

        var cache = new HashSet<string>(StringComparer.Ordinal);
        var (corpusBytes, corpusBlobs) = Pull(firstImages, cache);
        var (revisionBytes, revisionBlobs) = Pull(secondImages, cache);

        var chains = new HashSet<string>(StringComparer.Ordinal);
        var dockerCorpus = PullByChain(firstImages, chains);
        var dockerRevision = PullByChain(secondImages, chains);

        var stored = firstImages.Concat(secondImages).SelectMany(i => i).DistinctBy(l => l.Key).ToList();
        var all = firstImages.Concat(secondImages).ToList();
        var overBudget = all.Count(i => i.Count > firstContext.Budget);

        var digest = new StringBuilder();
        foreach (var image in all)
        {
            foreach (var layer in image) digest.Append(layer.Key).Append('\n').Append('\n');
            digest.Append("--\n");
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(digest.ToString())));

        return new PullResult(
            corpusBytes, corpusBlobs, revisionBytes, revisionBlobs, stored.Sum(l => l.Bytes), stored.Count,
            firstImages.Max(i => i.Count), firstImages.Average(i => i.Count), dockerCorpus, dockerRevision, overBudget, hash[..16]);
    }

    private sealed record Layer(string Key, long Bytes);

    private static List<Layer> LayerImage(ILayeringStrategy strategy, PackageSet set, ClosureGraph graph, LayeringContext context)
    {
        var groups = strategy.Group(graph, context);
        var placed = groups.SelectMany(g => g.Paths).ToList();
        if (placed.Count != graph.Paths.Count || placed.Distinct(StringComparer.Ordinal).Count() != placed.Count || !placed.All(graph.Paths.ContainsKey))
            throw new InvalidOperationException($"{strategy.Name} did not place every store path exactly once");
        return groups.Select(g => new Layer(string.Join('\n', g.Paths.Order(StringComparer.Ordinal)), g.Paths.Sum(p => set.Paths[p].NarSize))).ToList();
    }

    private static (long Bytes, long Blobs) Pull(IEnumerable<List<Layer>> images, HashSet<string> cache)
    {
        long bytes = 0, blobs = 0;
        foreach (var layer in images.SelectMany(i => i))
            if (cache.Add(layer.Key))
            {
                bytes += layer.Bytes;
                blobs++;
            }
        return (bytes, blobs);
    }

    // Docker's classic layer store keys layers by chain ID (the layer plus every
    // layer below it), so a layer it already has is fetched again when the
    // layers below differ (moby/moby#38446, tazjin/nixery#39).
    private static long PullByChain(IEnumerable<List<Layer>> images, HashSet<string> chains)
    {
        long bytes = 0;
        foreach (var image in images)
        {
            var chain = "";
            foreach (var layer in image)
            {
                chain = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(chain + "\0" + layer.Key)));
                if (chains.Add(chain)) bytes += layer.Bytes;
            }
        }
        return bytes;
    }
}

namespace Nixery.Layering;

/// <summary>
/// Popularity data in Nixery's format: store path names (<c>name-version</c>,
/// without hash) mapped to how many store paths of a package set reference
/// them. A name that is absent counts as 1.
/// </summary>
public sealed class Popularity
{
    public static readonly Popularity None = new(new Dictionary<string, long>());

    private readonly IReadOnlyDictionary<string, long> _counts;

    public Popularity(IReadOnlyDictionary<string, long> counts) => _counts = counts;

    public bool IsEmpty => _counts.Count == 0;

    public long Of(string storePathName) => _counts.TryGetValue(storePathName, out var count) ? count : 1;

    public IReadOnlyDictionary<string, long> Counts => _counts;
}

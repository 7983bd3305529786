namespace Nixery.Layering;

/// <summary>
/// Computes popularity data the way Nixery's <c>popcount</c> does for a whole
/// nixpkgs channel: for every distinct store path of the package set, each
/// name it refers to gets one count; counts of exactly 1 are dropped.
/// </summary>
/// <remarks>
/// popcount reads references from narinfos, which include self-references,
/// and drops counts of 1 to remove names only they account for. Closure
/// graphs have self-references removed already; dropping 1s is kept for the
/// file format, and loses nothing because an absent name counts as 1.
/// </remarks>
public static class PopularityCounter
{
    /// <param name="graphs">Closures covering the package set; a path in several is counted once.</param>
    public static Popularity Count(IEnumerable<ClosureGraph> graphs)
    {
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var graph in graphs)
            foreach (var info in graph.Paths.Values)
            {
                if (!counted.Add(info.Path)) continue;
                foreach (var reference in info.References)
                {
                    var name = StorePathName.Of(reference);
                    counts[name] = counts.GetValueOrDefault(name) + 1;
                }
            }
        return new Popularity(counts.Where(e => e.Value != 1).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
    }
}

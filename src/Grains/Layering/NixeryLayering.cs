namespace Nixery.Layering;

/// <summary>
/// Nixery's layering (tazjin/nixery <c>layers/layers.go</c>):
/// a synthetic root points at the requested paths and at every path that is
/// big (closure over 100 MB) or popular (popularity of at least 100); each
/// subtree the root immediately dominates becomes a layer; while there are
/// more layers than the budget, the lowest-rated one is merged into the next.
/// Layers come out as Nixery serves them: highest merge rating first.
/// </summary>
/// <remarks>
/// Nixery sorts with Go's unstable sort, so layers of equal rating come out in
/// an order that can differ between runs. Here ties go to the layer whose
/// first (smallest) store path sorts first; layers are disjoint, so that
/// order is total. Nixery's merged layer lists its members in merge order
/// rather than sorted; that only changed its cache key, not which paths a
/// layer holds, and groups here are always sorted. A path unreachable from
/// the roots (impossible in a real closure) gets a root edge, so that it
/// still lands in a layer.
/// </remarks>
public sealed class NixeryLayering : ILayeringStrategy
{
    public const string StrategyName = "nixery";

    /// <summary>Closure size above which a path gets its own root edge (100 MB, strictly greater).</summary>
    public const ulong BigClosureSize = 100_000_000;

    /// <summary>Popularity from which a path gets its own root edge.</summary>
    public const long PopularThreshold = 100;

    /// <summary>
    /// What Nixery assigns to <c>nss-cacert</c> and <c>iana-etc</c>, which it adds
    /// to every image; glibc has about 300,000 references and these must rank higher.
    /// </summary>
    public const long AlwaysIncludedPopularity = 500_000;

    /// <summary>Nixery's <c>LayerBudget</c>: 94 store-path layers plus its symlink layer.</summary>
    public const int NixeryBudget = 94;

    public string Name => StrategyName;

    public IReadOnlyList<LayerGroup> Group(ClosureGraph graph, LayeringContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Budget, 1, nameof(context.Budget));
        var index = ClosureIndex.Of(graph);
        var popularity = index.Paths.Select(p => PopularityOf(StorePathName.Of(p), context.Popularity)).ToArray();

        // Node 0 is the synthetic image root, node i + 1 is path i.
        var rootEdges = new SortedSet<int>(index.Roots);
        rootEdges.UnionWith(index.Unreferenced());
        for (var i = 0; i < index.Count; i++)
            if (ClosureSizeOf(index.Infos[i]) > BigClosureSize || popularity[i] >= PopularThreshold) rootEdges.Add(i);
        var successors = new int[index.Count + 1][];
        successors[0] = rootEdges.Select(i => i + 1).ToArray();
        for (var i = 0; i < index.Count; i++) successors[i + 1] = index.References[i].Select(r => r + 1).ToArray();
        var dominators = DominatorTree.Of(successors, 0);

        var layers = dominators.ChildrenOf(0).Select(top =>
        {
            var members = dominators.SubtreeOf(top).Select(node => node - 1).ToList();
            var size = 0UL;
            foreach (var member in members) size += ClosureSizeOf(index.Infos[member]);
            // Go's uint64 arithmetic wraps; so does this.
            var rating = unchecked((ulong)popularity[top - 1] * size);
            var paths = members.Select(m => index.Paths[m]).Order(StringComparer.Ordinal).ToList();
            return new RatedLayer(paths, paths[0], rating);
        }).ToList();

        layers.Sort(RatedLayer.Ascending);
        if (layers.Count > context.Budget)
        {
            // Nixery repeatedly merges the lowest layer into the next one without
            // re-sorting, so the lowest count − budget + 1 layers end up as one,
            // rated by their sum. Done in one step: pairwise it is quadratic.
            var merged = layers.Count - context.Budget + 1;
            var paths = layers.Take(merged).SelectMany(l => l.Paths).ToList();
            var rating = 0UL;
            foreach (var layer in layers.Take(merged)) rating = unchecked(rating + layer.MergeRating);
            var first = layers.Take(merged).Select(l => l.First).Min(StringComparer.Ordinal)!;
            layers = [new RatedLayer(paths, first, rating), .. layers.Skip(merged)];
        }
        layers.Sort(RatedLayer.Descending);
        return layers.Select(l => new LayerGroup(l.Paths.Order(StringComparer.Ordinal).ToArray())).ToArray();
    }

    /// <summary>The popularity Nixery uses for a store path name.</summary>
    public static long PopularityOf(string storePathName, Popularity popularity) =>
        storePathName.StartsWith("nss-cacert", StringComparison.Ordinal) || storePathName.StartsWith("iana-etc", StringComparison.Ordinal)
            ? AlwaysIncludedPopularity
            : popularity.Of(storePathName);

    // Nix reports sizes as unsigned; a negative one can only come from a broken
    // input and counts as nothing rather than wrapping to a huge rating.
    private static ulong ClosureSizeOf(StorePathInfo info) => info.ClosureSize > 0 ? (ulong)info.ClosureSize : 0;

    /// <param name="First">The smallest path, which breaks rating ties.</param>
    private sealed record RatedLayer(List<string> Paths, string First, ulong MergeRating)
    {
        public static readonly Comparison<RatedLayer> Ascending = (a, b) =>
        {
            var byRating = a.MergeRating.CompareTo(b.MergeRating);
            return byRating != 0 ? byRating : string.CompareOrdinal(a.First, b.First);
        };

        public static readonly Comparison<RatedLayer> Descending = (a, b) =>
        {
            var byRating = b.MergeRating.CompareTo(a.MergeRating);
            return byRating != 0 ? byRating : string.CompareOrdinal(a.First, b.First);
        };

    }
}

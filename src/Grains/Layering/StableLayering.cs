namespace Nixery.Layering;

/// <summary>
/// The default layering: layers that stay the same across images and across
/// package-set revisions, decided from properties every store path carries
/// with it (its size, its own closure) rather than from the image it is in or
/// from external popularity data.
/// </summary>
/// <remarks>
/// <para>
/// A layer is shared only when another image produces exactly the same set of
/// store paths, and a path's size and closure are the same in every image
/// that contains it. So: every path of at least <see cref="SizeFloor"/> bytes
/// is a layer of its own; it is reused by every image that contains the path
/// and changes only when the path's hash does. Paths below the floor are
/// grouped by their height in the reference graph (the longest chain of
/// references beneath them), another intrinsic property, which keeps small
/// common libraries together in groups that recur across images, instead of
/// one per-image grab bag.
/// </para>
/// <para>
/// When an image has more such layers than the budget, the smallest paths
/// give up their own layer and join their height group, so what the budget
/// costs is the least reusable bytes; merging the top of the graph, or the
/// least popular paths into one layer as dockerTools does, re-sends the
/// largest unique paths with every change.
/// </para>
/// <para>
/// Order, for clients that reuse a layer only under the same layers below it
/// (Docker's classic store, moby/moby#38446): own layers by size per path in
/// their closure, largest first, so big self-contained paths that many images
/// share form a common prefix, and paths with deep closures, which change
/// whenever any of their dependencies does, sit on top; the small groups
/// come last, lowest height first. Ties go to the name, then the hash.
/// </para>
/// <para>
/// The benchmark in <c>bench/layering</c> is where the floor and budget come
/// from: below 256 KiB bytes pulled barely fall while layers per image rise;
/// from 94 to 127 layers bytes fall by under 2 %.
/// </para>
/// </remarks>
public sealed class StableLayering : ILayeringStrategy
{
    public const string StrategyName = "stable";

    /// <summary>Paths smaller than this share a layer with others (256 KiB).</summary>
    public const long DefaultSizeFloor = 256 * 1024;

    /// <summary>
    /// The layer budget the benchmark supports: Nixery's, which leaves a third of
    /// the kernel's 127-layer limit to the customisation layer and to images built on top.
    /// </summary>
    public const int DefaultBudget = 94;

    public StableLayering(long sizeFloor = DefaultSizeFloor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeFloor);
        SizeFloor = sizeFloor;
    }

    public long SizeFloor { get; }

    public string Name => StrategyName;

    public IReadOnlyList<LayerGroup> Group(ClosureGraph graph, LayeringContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Budget, 1, nameof(context.Budget));
        var index = ClosureIndex.Of(graph);
        var size = index.Infos.Select(i => Math.Max(i.NarSize, 0)).ToArray();
        var closureCount = ClosureCounts(index);
        var height = Heights(index);
        var names = index.Paths.Select(PopularityContest.SortKey).ToArray();

        var alone = Enumerable.Range(0, index.Count).Where(i => size[i] >= SizeFloor).ToList();
        var grouped = Enumerable.Range(0, index.Count).Where(i => size[i] < SizeFloor).ToList();
        var heights = grouped.Select(i => height[i]).ToHashSet();

        alone.Sort((a, b) => size[a] != size[b] ? size[b].CompareTo(size[a]) : string.CompareOrdinal(names[a], names[b]));
        while (alone.Count > 0 && alone.Count + heights.Count > context.Budget)
        {
            var smallest = alone[^1];
            alone.RemoveAt(alone.Count - 1);
            grouped.Add(smallest);
            heights.Add(height[smallest]);
        }

        alone.Sort((a, b) =>
        {
            // size[a] / closureCount[a] against size[b] / closureCount[b], exactly.
            var bySizePerPath = ((Int128)size[b] * closureCount[a]).CompareTo((Int128)size[a] * closureCount[b]);
            return bySizePerPath != 0 ? bySizePerPath : string.CompareOrdinal(names[a], names[b]);
        });
        var groups = alone.Select(i => new List<int> { i }).ToList();
        groups.AddRange(grouped.GroupBy(i => height[i]).OrderBy(g => g.Key).Select(g => g.ToList()));

        // Only a budget smaller than the number of heights gets here: the
        // highest groups, the least shared, are merged.
        while (groups.Count > context.Budget)
        {
            groups[^2].AddRange(groups[^1]);
            groups.RemoveAt(groups.Count - 1);
        }
        return groups.Select(g => new LayerGroup(g.Select(i => index.Paths[i]).Order(StringComparer.Ordinal).ToArray())).ToArray();
    }

    /// <summary>How many paths each path's own closure has, itself included.</summary>
    private static int[] ClosureCounts(ClosureIndex index)
    {
        var counts = new int[index.Count];
        var seenBy = new int[index.Count];
        Array.Fill(seenBy, -1);
        var stack = new Stack<int>();
        for (var path = 0; path < index.Count; path++)
        {
            seenBy[path] = path;
            stack.Push(path);
            while (stack.TryPop(out var member))
            {
                counts[path]++;
                foreach (var reference in index.References[member])
                {
                    if (seenBy[reference] == path) continue;
                    seenBy[reference] = path;
                    stack.Push(reference);
                }
            }
        }
        return counts;
    }

    /// <summary>The longest chain of references below each path (0 for a path without references).</summary>
    private static int[] Heights(ClosureIndex index)
    {
        var height = new int[index.Count];
        foreach (var path in index.ReferrersFirst.Reverse())
            foreach (var reference in index.References[path])
                height[path] = Math.Max(height[path], height[reference] + 1);
        return height;
    }
}

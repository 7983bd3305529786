namespace Nixery.Layering;

/// <summary>
/// A closure graph numbered for the strategies' inner loops: path <c>i</c> is
/// the i-th path in ordinal order, so every number here follows from the
/// paths themselves and never from the order the input arrived in.
/// </summary>
internal sealed class ClosureIndex
{
    private ClosureIndex(ClosureGraph graph)
    {
        Infos = graph.Paths.Values.ToArray();
        Paths = Infos.Select(i => i.Path).ToArray();
        var numberOf = new Dictionary<string, int>(Paths.Length, StringComparer.Ordinal);
        for (var i = 0; i < Paths.Length; i++) numberOf[Paths[i]] = i;

        // ClosureGraph sorts references by path, so these stay ascending.
        References = Infos.Select(i => i.References.Select(r => numberOf[r]).ToArray()).ToArray();
        var referrers = Paths.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < Paths.Length; i++)
            foreach (var reference in References[i]) referrers[reference].Add(i);
        Referrers = referrers.Select(r => r.ToArray()).ToArray();
        Roots = graph.Roots.Select(r => numberOf[r]).ToArray();
        ReferrersFirst = OrderReferrersFirst();
    }

    public static ClosureIndex Of(ClosureGraph graph) => new(graph);

    public int Count => Paths.Length;

    public string[] Paths { get; }

    public StorePathInfo[] Infos { get; }

    /// <summary>What each path refers to, ascending.</summary>
    public int[][] References { get; }

    /// <summary>The paths that refer to each path, ascending.</summary>
    public int[][] Referrers { get; }

    /// <summary>The requested paths, ascending.</summary>
    public int[] Roots { get; }

    /// <summary>Every path after all of its referrers (a topological order).</summary>
    public int[] ReferrersFirst { get; }

    /// <summary>
    /// Paths nothing else refers to. In a real closure these are among the
    /// roots; a graph whose roots do not reach every path still has every
    /// path reachable from these.
    /// </summary>
    public IEnumerable<int> Unreferenced() => Enumerable.Range(0, Count).Where(i => Referrers[i].Length == 0);

    private int[] OrderReferrersFirst()
    {
        var waiting = Referrers.Select(r => r.Length).ToArray();
        var order = new int[Count];
        var ready = new PriorityQueue<int, int>();
        foreach (var i in Unreferenced()) ready.Enqueue(i, i);
        var next = 0;
        while (ready.TryDequeue(out var path, out _))
        {
            order[next++] = path;
            foreach (var reference in References[path])
                if (--waiting[reference] == 0) ready.Enqueue(reference, reference);
        }
        return order;
    }
}

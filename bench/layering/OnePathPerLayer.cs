using Nixery.Layering;

namespace Nixery.Bench.Layering;

/// <summary>
/// Every store path in a layer of its own, ignoring the budget: the most
/// sharing any grouping can reach, shown as the floor the others are measured against.
/// </summary>
public sealed class OnePathPerLayer : ILayeringStrategy
{
    public string Name => "per-path (no budget)";

    public IReadOnlyList<LayerGroup> Group(ClosureGraph graph, LayeringContext context) =>
        graph.Paths.Keys.Select(p => new LayerGroup([p])).ToArray();
}

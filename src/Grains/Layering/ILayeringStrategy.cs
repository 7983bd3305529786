namespace Nixery.Layering;

/// <summary>
/// Groups a runtime closure into layers. A pure function: the same graph and
/// context give the same groups in the same order, every store path lands in
/// exactly one group, and there are at most <see cref="LayeringContext.Budget"/>
/// groups. The customisation layer is added after these and is not counted.
/// </summary>
public interface ILayeringStrategy
{
    /// <summary>The name operators select it by (<c>NIXERY_LAYERING</c>).</summary>
    string Name { get; }

    /// <summary>Groups in manifest order: the first is the bottom layer.</summary>
    IReadOnlyList<LayerGroup> Group(ClosureGraph graph, LayeringContext context);
}

/// <summary>What a strategy may use besides the graph.</summary>
public sealed record LayeringContext(int Budget, Popularity Popularity);

namespace Nixery.Layering;

/// <summary>
/// nixpkgs dockerTools' default layering (<c>buildLayeredImage</c>,
/// <c>streamLayeredImage</c>): the popularity contest ranks every path, then
/// <c>limit_layers</c> keeps the first budget − 1 paths in a layer each and
/// puts all the rest into one final layer. With dockerTools' <c>maxLayers</c> of
/// 100 minus its customisation layer (budget 99) that is the 98 most popular
/// paths alone and the rest together. Most popular first, i.e. at the bottom.
/// Uses only the graph; external popularity data is ignored.
/// </summary>
public sealed class PopularityLayering : ILayeringStrategy
{
    public const string StrategyName = "popularity";

    /// <summary>dockerTools' default <c>maxLayers</c> (100) less the customisation layer.</summary>
    public const int DockerToolsBudget = 99;

    public string Name => StrategyName;

    public IReadOnlyList<LayerGroup> Group(ClosureGraph graph, LayeringContext context)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(context.Budget, 1, nameof(context.Budget));
        var index = ClosureIndex.Of(graph);
        var ranking = PopularityContest.Ranking(index).Select(i => index.Paths[i]).ToArray();
        if (ranking.Length <= context.Budget) return ranking.Select(p => new LayerGroup([p])).ToArray();

        var alone = ranking.Take(context.Budget - 1).Select(p => new LayerGroup([p]));
        var rest = new LayerGroup(ranking.Skip(context.Budget - 1).Order(StringComparer.Ordinal).ToArray());
        return [.. alone, rest];
    }
}

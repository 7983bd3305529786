using Nixery.Layering;
using static Nixery.Tests.Layering.Closures;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class PopularityLayeringTests
{
    private static readonly PopularityLayering Strategy = new();

    private static readonly ClosureGraph WorkedExample = Of(1000,
        ("A", ["B", "G"]), ("B", ["C", "E"]), ("C", ["D", "E"]), ("D", ["F"]), ("E", ["F"]), ("F", []), ("G", []));

    [Fact]
    public void Within_budget_every_path_is_a_layer_most_popular_first()
    {
        var groups = Names(Strategy.Group(WorkedExample, new LayeringContext(99, Popularity.None)));
        Assert.Equal([["F"], ["E"], ["D"], ["C"], ["B"], ["G"], ["A"]], groups);
    }

    [Fact]
    public void Over_budget_the_most_popular_stand_alone_and_the_rest_share_the_last_layer()
    {
        var groups = Strategy.Group(WorkedExample, new LayeringContext(3, Popularity.None));
        Assert.Equal([["F"], ["E"]], Names(groups).Take(2));
        Assert.Equal(new[] { "A", "B", "C", "D", "G" }.Select(PathOf).Order(StringComparer.Ordinal), groups[2].Paths);
    }

    [Fact]
    public void External_popularity_data_is_not_used()
    {
        var external = new Popularity(new Dictionary<string, long> { ["A"] = 1_000_000 });
        Assert.Equal(
            Names(Strategy.Group(WorkedExample, new LayeringContext(3, Popularity.None))),
            Names(Strategy.Group(WorkedExample, new LayeringContext(3, external))));
    }

    [Fact]
    public void The_dockerTools_default_keeps_98_paths_alone()
    {
        var graph = Of(1, Enumerable.Range(0, 150).Select(i => ($"p{i:000}", Array.Empty<string>())).ToArray());
        var groups = Strategy.Group(graph, new LayeringContext(PopularityLayering.DockerToolsBudget, Popularity.None));
        Assert.Equal(99, groups.Count);
        Assert.All(groups.Take(98), g => Assert.Single(g.Paths));
        Assert.Equal(52, groups[98].Paths.Count);
    }
}

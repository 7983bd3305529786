using CsCheck;
using Nixery.Layering;

namespace Nixery.Tests.Layering;

/// <summary>What every strategy promises, on random closures, budgets and popularity data.</summary>
[Trait("Category", "Unit")]
public class LayeringPropertiesTests
{
    public static TheoryData<string> Strategies => [.. new LayeringStrategies().Names];

    private static readonly Gen<(ClosureGraph Graph, LayeringContext Context, int Seed)> Inputs =
        Gen.Select(Gen.Int[0, 40], Gen.Int, Gen.Int[1, 12], Gen.Bool).Select(input =>
        {
            var (count, seed, budget, withPopularity) = input;
            var graph = Closures.Random(count, seed);
            var random = new Random(seed);
            var popularity = withPopularity
                ? new Popularity(graph.Paths.Values.Where(_ => random.NextDouble() < 0.5).ToDictionary(p => p.Name, _ => (long)random.Next(1, 300)))
                : Popularity.None;
            return (graph, new LayeringContext(budget, popularity), seed);
        });

    private static void Check(string name, Action<ILayeringStrategy, ClosureGraph, LayeringContext, int> property)
    {
        var strategy = new LayeringStrategies().Resolve(name);
        Inputs.Sample(input => property(strategy, input.Graph, input.Context, input.Seed), iter: 300);
    }

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Every_store_path_is_in_exactly_one_group(string name) => Check(name, (strategy, graph, context, _) =>
    {
        var placed = strategy.Group(graph, context).SelectMany(g => g.Paths).Order(StringComparer.Ordinal);
        Assert.Equal(graph.Paths.Keys, placed);
    });

    [Theory]
    [MemberData(nameof(Strategies))]
    public void There_are_never_more_groups_than_the_budget_and_none_is_empty(string name) => Check(name, (strategy, graph, context, _) =>
    {
        var groups = strategy.Group(graph, context);
        Assert.InRange(groups.Count, 0, context.Budget);
        Assert.All(groups, g => Assert.NotEmpty(g.Paths));
    });

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Group_contents_are_sorted(string name) => Check(name, (strategy, graph, context, _) =>
        Assert.All(strategy.Group(graph, context), g => Assert.Equal(g.Paths.Order(StringComparer.Ordinal), g.Paths)));

    [Theory]
    [MemberData(nameof(Strategies))]
    public void The_order_the_closure_arrives_in_changes_nothing(string name) => Check(name, (strategy, graph, context, seed) =>
        Assert.Equal(Render(strategy.Group(graph, context)), Render(strategy.Group(Closures.Shuffled(graph, seed), context))));

    [Theory]
    [MemberData(nameof(Strategies))]
    public void Asking_twice_gives_the_same_answer(string name) => Check(name, (strategy, graph, context, _) =>
        Assert.Equal(Render(strategy.Group(graph, context)), Render(strategy.Group(graph, context))));

    [Theory]
    [MemberData(nameof(Strategies))]
    public void A_budget_below_one_is_refused(string name) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LayeringStrategies().Resolve(name).Group(Closures.Random(3, 1), new LayeringContext(0, Popularity.None)));

    private static string Render(IReadOnlyList<LayerGroup> groups) => string.Join(" | ", groups.Select(g => string.Join(" ", g.Paths)));
}

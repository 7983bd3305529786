using Nixery.Layering;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class LayeringStrategiesTests
{
    private readonly LayeringStrategies _strategies = new();

    [Fact]
    public void The_built_in_strategies_are_listed_by_name() =>
        Assert.Equal(["nixery", "popularity", "stable"], _strategies.Names);

    [Fact]
    public void The_default_is_the_stable_strategy()
    {
        Assert.Equal("stable", LayeringStrategies.DefaultName);
        Assert.IsType<StableLayering>(_strategies.Default);
    }

    [Theory]
    [InlineData("nixery", typeof(NixeryLayering))]
    [InlineData("NIXERY", typeof(NixeryLayering))]
    [InlineData("Popularity", typeof(PopularityLayering))]
    [InlineData(" stable ", typeof(StableLayering))]
    public void Names_resolve_case_insensitively(string name, Type type) => Assert.IsType(type, _strategies.Resolve(name));

    [Fact]
    public void An_unknown_name_is_refused_with_the_names_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => _strategies.Resolve("dominators"));
        Assert.Contains("nixery, popularity, stable", error.Message);
        Assert.False(_strategies.TryResolve("dominators", out _));
    }

    [Fact]
    public void Two_strategies_may_not_share_a_name() =>
        Assert.Throws<ArgumentException>(() => new LayeringStrategies([new NixeryLayering(), new NixeryLayering()]));
}

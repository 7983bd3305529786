using Nixery.Layering;
using static Nixery.Tests.Layering.Closures;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class NixeryLayeringTests
{
    private static readonly NixeryLayering Nixery = new();

    private static LayeringContext Budget(int budget, Popularity? popularity = null) => new(budget, popularity ?? Popularity.None);

    private static Popularity Counts(params (string Name, long Count)[] counts) => new(counts.ToDictionary(c => c.Name, c => c.Count));

    [Fact]
    public void Each_subtree_the_image_root_dominates_is_one_layer_highest_rating_first()
    {
        // a → c, a → d, b → c: c is shared, so only d hangs below a.
        var graph = Of(1000, ("a", ["c", "d"]), ("b", ["c"]), ("c", []), ("d", []));
        // Ratings (popularity 1 × summed closure sizes): {a, d} 3000 + 1000, {b} 2000, {c} 1000.
        Assert.Equal([["a", "d"], ["b"], ["c"]], Names(Nixery.Group(graph, Budget(94))));
    }

    [Theory]
    [InlineData(99, 1)]
    [InlineData(100, 2)]
    public void A_path_with_popularity_of_at_least_100_gets_its_own_layer(long popularity, int layers)
    {
        var graph = Of(1000, ("app", ["lib"]), ("lib", []));
        Assert.Equal(layers, Nixery.Group(graph, Budget(94, Counts(("lib", popularity)))).Count);
    }

    [Theory]
    [InlineData(100_000_000, 1)]
    [InlineData(100_000_001, 2)]
    public void A_path_whose_closure_exceeds_100_MB_gets_its_own_layer(long size, int layers)
    {
        var graph = Of([("app", 10, ["big"]), ("big", size, [])]);
        Assert.Equal(layers, Nixery.Group(graph, Budget(94)).Count);
    }

    [Fact]
    public void Cacert_and_iana_etc_rank_as_popular_as_anything_can()
    {
        var graph = Of([("app", 50_000_000, []), ("nss-cacert-3.107", 500_000, []), ("iana-etc-20240318", 600_000, [])]);
        // app: 1 × 50 MB; nss-cacert: 500,000 × 0.5 MB; iana-etc: 500,000 × 0.6 MB.
        var groups = Names(Nixery.Group(graph, Budget(94)));
        Assert.Equal([["iana-etc-20240318"], ["nss-cacert-3.107"], ["app"]], groups);
    }

    [Fact]
    public void Over_budget_the_lowest_rated_layers_become_one_placed_by_its_summed_rating()
    {
        var graph = Of([("r1", 1000, []), ("r2", 2000, []), ("r3", 3000, []), ("r4", 4000, [])]);
        // r1 + r2 + r3 are merged (rating 6000), which now outranks r4 (4000).
        Assert.Equal([["r1", "r2", "r3"], ["r4"]], Names(Nixery.Group(graph, Budget(2))).Select(g => g.Order().ToArray()));
    }

    [Fact]
    public void Equal_ratings_are_ordered_by_store_path_where_Nixery_is_unstable()
    {
        var graph = Of(1000, ("a", []), ("b", []), ("c", []), ("d", []));
        var groups = Nixery.Group(graph, Budget(94)).Select(g => g.Paths.Single()).ToArray();
        Assert.Equal(groups.Order(StringComparer.Ordinal), groups);
    }

    [Fact]
    public void A_path_the_roots_do_not_reach_still_gets_a_layer()
    {
        var graph = Of([("app", 10, []), ("stray", 10, [])], roots: ["app"]);
        Assert.Equal(2, Nixery.Group(graph, Budget(94)).Count);
    }
}

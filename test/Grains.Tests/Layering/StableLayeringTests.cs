using Nixery.Layering;
using static Nixery.Tests.Layering.Closures;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class StableLayeringTests
{
    private const long MB = 1_000_000;
    private const long KB = 1_000;
    private static readonly StableLayering Stable = new();

    private static LayeringContext Budget(int budget) => new(budget, Popularity.None);

    [Fact]
    public void Every_path_of_at_least_the_floor_is_a_layer_of_its_own()
    {
        var graph = Of([("app", 5 * MB, ["libfoo", "libbar"]), ("libfoo", 2 * MB, []), ("libbar", StableLayering.DefaultSizeFloor, [])]);
        Assert.All(Stable.Group(graph, Budget(94)), g => Assert.Single(g.Paths));
    }

    [Fact]
    public void Paths_below_the_floor_share_a_layer_with_the_small_paths_of_their_height()
    {
        // Heights: tzdata 0, zoneinfo-hook 0, wrapper 1 (it refers to tzdata).
        var graph = Of([("app", 5 * MB, ["wrapper", "zoneinfo-hook"]), ("wrapper", 2 * KB, ["tzdata"]), ("tzdata", 90 * KB, []), ("zoneinfo-hook", 1 * KB, [])]);
        var groups = Names(Stable.Group(graph, Budget(94)));
        Assert.Equal([["app"], ["tzdata", "zoneinfo-hook"], ["wrapper"]], groups.Select(g => g.Order().ToArray()));
    }

    [Fact]
    public void A_path_forms_the_same_layer_in_every_image_that_contains_it()
    {
        var git = Of([("git", 40 * MB, ["openssl", "zlib"]), ("openssl", 6 * MB, []), ("zlib", 130 * KB, [])]);
        var curl = Of([("curl", 1 * MB, ["openssl", "nghttp2"]), ("openssl", 6 * MB, []), ("nghttp2", 200 * KB, [])]);
        var openssl = new LayerGroup([PathOf("openssl")]);
        Assert.Contains(Stable.Group(git, Budget(94)), g => g.Paths.SequenceEqual(openssl.Paths));
        Assert.Contains(Stable.Group(curl, Budget(94)), g => g.Paths.SequenceEqual(openssl.Paths));
    }

    [Fact]
    public void Over_budget_the_smallest_paths_give_up_their_own_layers_first()
    {
        var graph = Of([("a", 4 * MB, []), ("b", 3 * MB, []), ("c", 2 * MB, []), ("d", 1 * MB, [])]);
        var groups = Names(Stable.Group(graph, Budget(3)));
        Assert.Equal([["a"], ["b"], ["c", "d"]], groups.Select(g => g.Order().ToArray()));
    }

    [Fact]
    public void Layers_with_more_bytes_per_path_of_their_closure_go_lower()
    {
        // Per closure path: y 8 MB, z 6 MB, x (10 + 8) … x's closure has 2 paths: 10 MB / 2 = 5 MB.
        var graph = Of([("x", 10 * MB, ["y"]), ("y", 8 * MB, []), ("z", 6 * MB, [])]);
        Assert.Equal([["y"], ["z"], ["x"]], Names(Stable.Group(graph, Budget(94))));
    }

    [Fact]
    public void Small_groups_sit_above_the_paths_with_layers_of_their_own()
    {
        var graph = Of([("app", 5 * MB, ["hook"]), ("hook", 1 * KB, [])]);
        Assert.Equal([["app"], ["hook"]], Names(Stable.Group(graph, Budget(94))));
    }

    [Fact]
    public void A_budget_of_one_is_one_layer_with_everything()
    {
        var graph = Of([("app", 5 * MB, ["lib", "hook"]), ("lib", 2 * MB, ["hook"]), ("hook", 1 * KB, [])]);
        var groups = Stable.Group(graph, Budget(1));
        Assert.Equal(3, Assert.Single(groups).Paths.Count);
    }

    [Fact]
    public void Without_a_floor_and_with_room_every_path_stands_alone()
    {
        var graph = Of([("app", 5 * MB, ["hook"]), ("hook", 1, [])]);
        Assert.Equal(2, new StableLayering(sizeFloor: 0).Group(graph, Budget(94)).Count);
    }

    [Fact]
    public void An_empty_closure_has_no_layers() =>
        Assert.Empty(Stable.Group(new ClosureGraph([], []), Budget(94)));
}

using Nixery.Layering;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class ClosureGraphTests
{
    [Fact]
    public void Self_references_are_dropped()
    {
        var graph = new ClosureGraph(
            [new StorePathInfo("/nix/store/aaaa-a-1", 10, 10, ["/nix/store/aaaa-a-1"])],
            ["/nix/store/aaaa-a-1"]);
        Assert.Empty(graph.Paths["/nix/store/aaaa-a-1"].References);
    }

    [Fact]
    public void A_reference_outside_the_closure_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ClosureGraph(
            [new StorePathInfo("/nix/store/aaaa-a-1", 10, 10, ["/nix/store/bbbb-b-1"])],
            ["/nix/store/aaaa-a-1"]));
    }

    [Theory]
    [InlineData("/nix/store/0c7sjvm1yv0qfjnmvzphyyhnyjxqmvv4-glibc-2.40-66", "glibc-2.40-66")]
    [InlineData("/nix/store/0c7sjvm1yv0qfjnmvzphyyhnyjxqmvv4-nss-cacert-3.98", "nss-cacert-3.98")]
    public void Store_path_names_drop_the_hash(string path, string name) => Assert.Equal(name, StorePathName.Of(path));

    [Fact]
    public void A_reference_cycle_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new ClosureGraph(
            [new StorePathInfo("/nix/store/aaaa-a-1", 10, 20, ["/nix/store/bbbb-b-1"]),
             new StorePathInfo("/nix/store/bbbb-b-1", 10, 20, ["/nix/store/aaaa-a-1"])],
            ["/nix/store/aaaa-a-1"]));
        Assert.Contains("cycle", error.Message);
    }
}

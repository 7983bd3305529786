using Nixery.Layering;
using static Nixery.Tests.Layering.Closures;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class PopularityCounterTests
{
    [Fact]
    public void A_name_counts_the_paths_that_refer_to_it()
    {
        var graph = Of(1, ("git-2.47", ["glibc-2.40", "zlib-1.3"]), ("curl-8.11", ["glibc-2.40", "zlib-1.3"]), ("zlib-1.3", ["glibc-2.40"]), ("glibc-2.40", []));
        var popularity = PopularityCounter.Count([graph]);
        Assert.Equal(3, popularity.Of("glibc-2.40"));
        Assert.Equal(2, popularity.Of("zlib-1.3"));
    }

    [Fact]
    public void Counts_of_one_are_dropped_as_popcount_does()
    {
        var graph = Of(1, ("hello-2.12", ["libhello-1"]), ("libhello-1", []));
        Assert.Empty(PopularityCounter.Count([graph]).Counts);
    }

    [Fact]
    public void A_path_in_several_closures_is_counted_once()
    {
        var git = Of(1, ("git-2.47", ["zlib-1.3"]), ("zlib-1.3", []));
        var both = Of(1, ("git-2.47", ["zlib-1.3"]), ("curl-8.11", ["zlib-1.3"]), ("zlib-1.3", []));
        Assert.Equal(2, PopularityCounter.Count([git, both, git]).Of("zlib-1.3"));
    }

    [Fact]
    public void Paths_with_the_same_name_and_different_hashes_all_count()
    {
        var old = Of(1, ("git-2.47", ["zlib-1.3"]), ("zlib-1.3", []));
        var rebuilt = new ClosureGraph(
            [new StorePathInfo("/nix/store/00000000000000000000000000000000-git-2.47", 1, 2, [PathOf("zlib-1.3")]), old.Paths[PathOf("zlib-1.3")]],
            ["/nix/store/00000000000000000000000000000000-git-2.47"]);
        Assert.Equal(2, PopularityCounter.Count([old, rebuilt]).Of("zlib-1.3"));
    }
}

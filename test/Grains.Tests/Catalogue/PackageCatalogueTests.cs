using Nixery.Catalogue;

namespace Nixery.Tests.Catalogue;

[Trait("Category", "Unit")]
public class PackageCatalogueTests
{
    private static readonly PackageCatalogue Catalogue = new(
    [
        new("git", "2.44.0", "Distributed version control system"),
        new("gitAndTools.git-absorb", "0.6", "git commit --fixup, but automatic"),
        new("legit", "1.2", "Git for humans"),
        new("gitea", "1.21", "Git with a cup of tea"),
        new("python3Packages.gitpython", "3.1", "Python Git library"),
        new("tig", "2.5", "Text-mode interface for Git"),
        new("hello", "2.12.1", "A program that produces a familiar, friendly greeting"),
    ], ["nodePackages"]);

    [Fact]
    public void The_exact_name_comes_first_then_prefixes_then_parts_then_substrings_then_descriptions()
    {
        var (results, matches) = Catalogue.Search("git", 10);
        Assert.Equal(["git", "gitea", "gitAndTools.git-absorb", "python3Packages.gitpython", "legit", "tig"], results.Select(r => r.Name));
        Assert.Equal(6, matches);
    }

    [Fact]
    public void Search_ignores_case_in_names_and_descriptions()
    {
        Assert.Equal(["python3Packages.gitpython"], Catalogue.Search("PYTHON3PACKAGES.GIT", 10).Results.Select(r => r.Name));
        Assert.Equal(["hello"], Catalogue.Search("Friendly", 10).Results.Select(r => r.Name));
    }

    [Fact]
    public void The_limit_keeps_the_best_and_the_count_counts_all()
    {
        var (results, matches) = Catalogue.Search("i", 2);
        Assert.Equal(2, results.Count);
        Assert.True(matches >= 6);
        Assert.Equal(Catalogue.Search("i", 100).Results.Take(2), results);
    }

    [Fact]
    public void A_query_never_matches_across_two_entries()
    {
        var catalogue = new PackageCatalogue([new("ab", "", "xy"), new("cd", "", "zw")], []);
        Assert.Equal(0, catalogue.Search("bc", 10).Matches);
        Assert.Equal(0, catalogue.Search("b\nc", 10).Matches);
        Assert.Equal(0, catalogue.Search("yz", 10).Matches);
        Assert.Equal(0, catalogue.Search("  ", 10).Matches);
    }

    [Fact]
    public void Missing_names_are_those_no_attribute_path_matches_in_any_case()
    {
        Assert.Equal(["nope", "git.nope"], Catalogue.Missing(["git", "GIT", "python3packages.gitpython", "nope", "git.nope"]));
    }

    [Fact]
    public void Names_below_a_set_the_catalogue_did_not_look_into_are_left_to_nix()
    {
        Assert.Empty(Catalogue.Missing(["nodePackages.prettier", "nodepackages", "NodePackages.x.y"]));
        Assert.Equal(["nodePackagesX"], Catalogue.Missing(["nodePackagesX"]));
    }

    [Fact]
    public void The_stored_document_gives_back_the_same_catalogue()
    {
        var copy = CatalogueDocument.Decompress(CatalogueDocument.Compress(Catalogue));
        Assert.Equal(Catalogue.Entries, copy.Entries);
        Assert.Equal(Catalogue.Opaque, copy.Opaque);
    }
}

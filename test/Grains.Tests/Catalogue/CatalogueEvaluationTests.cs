using System.Text.Json;
using Nixery.Catalogue;
using Nixery.Tests.Support;

namespace Nixery.Tests.Catalogue;

/// <summary>list-catalogue.nix against real Nix, checked against what the selection (select-packages.nix) accepts.</summary>
public class CatalogueEvaluationTests
{
    [Fact]
    public async Task The_demo_catalogue_has_nested_sets_that_ask_to_be_searched_with_versions_and_descriptions()
    {
        var catalogue = await CatalogueOfAsync(await NixFixtures.DemoRevisionAsync());
        Assert.Contains(new CatalogueEntry("python3Packages.requests", "2.31.0", "HTTP library for Python"), catalogue.Entries);
        Assert.Contains(new CatalogueEntry("xorg.xev", "1.2.5", "X event monitor"), catalogue.Entries);
        Assert.Contains(catalogue.Entries, e => e.Name == "_1password" && e.Version == "2.26.0");
        Assert.DoesNotContain(catalogue.Entries, e => e.Name.Contains("recurseForDerivations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_catalogue_never_refuses_a_name_that_nix_selects()
    {
        using var directory = new TemporaryDirectory();
        File.WriteAllText(directory.Combine("default.nix"), """
            let
              drv = name: (derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; }) // { meta.description = "the ${name} package"; };
            in {
              top = drv "top";
              Camel = drv "camel";
              hidden = { inner = drv "inner"; };
              shown = { recurseForDerivations = true; inside = drv "inside"; deeper = { recurseForDerivations = true; leaf = drv "leaf"; }; };
              failing = throw "not today";
              meta-package = [ (drv "a") (drv "b") ];
              notAPackage = "a string";
            }
            """);
        var nix = NixFixtures.Builder();
        var storePath = await nix.ImportPathAsync(directory.Path, CancellationToken.None);
        var source = new SourceRevision("path", Path.GetFileName(storePath), JsonSerializer.Serialize(new { type = "path", path = storePath }));
        var catalogue = await CatalogueOfAsync(source);

        Assert.Equal(["Camel", "meta-package", "shown.deeper.leaf", "shown.inside", "top"], catalogue.Entries.Select(e => e.Name));
        string[] names = ["top", "camel", "hidden.inner", "hidden.nope", "shown.inside", "shown.deeper.leaf", "shown.nope", "failing", "meta-package", "notAPackage", "nope", "top.out"];
        var refused = catalogue.Missing(names);
        var selection = await nix.SelectAsync(source, names, Platform.Amd64, CancellationToken.None);

        Assert.Equal(["shown.nope", "notAPackage", "nope", "top.out"], refused);
        Assert.Empty(refused.Intersect(selection.Found.Select(f => f.Name)));
        Assert.Subset(selection.Missing.ToHashSet(), refused.ToHashSet());
        Assert.Contains("hidden.inner", selection.Found.Select(f => f.Name));
    }

    private static async Task<PackageCatalogue> CatalogueOfAsync(SourceRevision source) =>
        CatalogueDocument.Parse(System.Text.Encoding.UTF8.GetBytes(await NixFixtures.Builder().ListCatalogueAsync(source, Platform.Amd64, CancellationToken.None)));
}

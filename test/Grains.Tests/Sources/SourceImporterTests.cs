using Microsoft.Extensions.Options;
using Nixery.Nix;
using Nixery.Sources;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sources;

/// <summary>Real Nix: what a silo's own source imports say about its store, without asking Nix.</summary>
public class SourceImporterTests
{
    [Fact]
    public async Task A_revision_is_known_to_be_in_the_store_while_the_newest_import_of_its_kind_roots_it()
    {
        using var work = new TemporaryDirectory();
        var importer = new SourceImporter(NixFixtures.Builder(), Options.Create(new NixOptions { GcRootsPath = work.Combine("gcroots") }));
        var first = await ImportAsync(importer, work, "first");
        Assert.True(importer.IsRooted(first));

        var second = await ImportAsync(importer, work, "second");

        Assert.True(importer.IsRooted(second));
        // Unrooted now: a garbage collection may take it, so only Nix can say whether it is there.
        Assert.False(importer.IsRooted(first));
        Assert.False(importer.IsRooted(second with { Kind = "git" }));
        Assert.False(importer.IsRooted(second with { Kind = "../sources/path" }));
    }

    /// <summary>
    /// Silos may share STORAGE_PATH, where GC roots live, while each has its own Nix store:
    /// another silo's root says nothing about this silo's store.
    /// </summary>
    [Fact]
    public async Task A_root_another_silo_wrote_in_a_shared_directory_does_not_count()
    {
        using var work = new TemporaryDirectory();
        var options = Options.Create(new NixOptions { GcRootsPath = work.Combine("gcroots") });
        var other = new SourceImporter(NixFixtures.Builder(), options);
        var imported = await ImportAsync(other, work, "elsewhere");

        Assert.False(new SourceImporter(NixFixtures.Builder(), options).IsRooted(imported));
    }

    private static async Task<SourceRevision> ImportAsync(SourceImporter importer, TemporaryDirectory work, string content)
    {
        var tree = work.Combine(content);
        Directory.CreateDirectory(tree);
        await File.WriteAllTextAsync(Path.Combine(tree, "default.nix"), $"{{ }}: {{ salt = \"{content} {Guid.NewGuid()}\"; }}");
        return await importer.ImportAsync("path", null, tree, CancellationToken.None);
    }
}

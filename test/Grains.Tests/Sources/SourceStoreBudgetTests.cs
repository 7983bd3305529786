using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Nix;
using Nixery.Sources;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sources;

/// <summary>
/// Real Nix: imported package-set trees are held under NIXERY_SOURCE_CACHE_SIZE,
/// the least recently used going first, never one in use. Each tree holds
/// 400 KiB of random bytes, so its store path is this test's alone.
/// </summary>
public class SourceStoreBudgetTests
{
    private static (SourceImporter Importer, SourceStoreBudget Budget) Importer(TemporaryDirectory work)
    {
        var nix = NixFixtures.Builder();
        var budget = new SourceStoreBudget(nix, Options.Create(new SourceOptions { CacheSizeMegabytes = 1 }), NullLogger<SourceStoreBudget>.Instance);
        return (new SourceImporter(nix, Options.Create(new NixOptions { GcRootsPath = work.Combine("gcroots") }), budget), budget);
    }

    private static async Task<string> ImportTreeAsync(SourceImporter importer, TemporaryDirectory work)
    {
        var tree = work.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tree);
        await File.WriteAllBytesAsync(Path.Combine(tree, "default.nix"), RandomNumberGenerator.GetBytes(400 * 1024));
        var revision = await importer.ImportAsync("path", null, tree, CancellationToken.None);
        return SourceImporter.StorePathOf(revision);
    }

    [Fact]
    public async Task Over_the_budget_the_least_recently_used_tree_leaves_the_store()
    {
        using var work = new TemporaryDirectory();
        var (importer, budget) = Importer(work);
        var first = await ImportTreeAsync(importer, work);
        var second = await ImportTreeAsync(importer, work);
        Assert.True(Directory.Exists(first) && Directory.Exists(second), "two trees fit in 1 MiB");
        // Used again: the second is now the least recently used.
        (await budget.UseAsync(first, CancellationToken.None)).Dispose();

        var third = await ImportTreeAsync(importer, work);

        Assert.False(Directory.Exists(second), "the least recently used tree is still in the store");
        Assert.True(Directory.Exists(first) && Directory.Exists(third));
        Assert.InRange(budget.Bytes, 1, 1024 * 1024);
    }

    [Fact]
    public async Task A_tree_in_use_stays_however_far_over_the_budget()
    {
        using var work = new TemporaryDirectory();
        var (importer, budget) = Importer(work);
        var used = await ImportTreeAsync(importer, work);
        using (await budget.UseAsync(used, CancellationToken.None))
        {
            var others = new List<string>();
            for (var i = 0; i < 3; i++) others.Add(await ImportTreeAsync(importer, work));
            Assert.True(Directory.Exists(used), "a tree in use was deleted");
            Assert.False(Directory.Exists(others[0]), "the oldest unused tree is still in the store");
        }
    }
}

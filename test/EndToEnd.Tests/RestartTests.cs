using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>Images are reproducible: the same request gives the same bytes after a restart and on a fresh instance.</summary>
public class RestartTests
{
    private const string Image = "shell/hello";

    [Fact]
    public async Task The_same_request_gives_identical_manifest_config_and_layers_after_a_kill_and_on_a_fresh_instance()
    {
        using var firstStorage = new TemporaryDirectory();
        using var secondStorage = new TemporaryDirectory();
        using var nix = new NixInvocations();

        await using var first = new RegistryProcess(firstStorage.Path, new Dictionary<string, string> { ["PATH"] = nix.SearchPath });
        await first.StartAsync();
        var original = await PullAsync(first);
        Assert.Equal(1, nix.Builds);

        nix.Reset();
        await first.KillAsync();
        await first.StartAsync();
        var afterRestart = await PullAsync(first);
        Assert.Equal(0, nix.Builds);

        await using var fresh = new RegistryProcess(secondStorage.Path);
        await fresh.StartAsync();
        var elsewhere = await PullAsync(fresh);

        Assert.Equal(original, afterRestart);
        Assert.Equal(original, elsewhere);
    }

    /// <summary>
    /// Grain state in Azure Table storage (Azurite) instead of the storage backend: the image grain's
    /// record survives a kill, so the restarted process neither selects nor builds anything.
    /// </summary>
    [Fact]
    public async Task Grain_state_in_azure_table_survives_a_kill_so_nix_does_not_run_again()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        using var nix = new NixInvocations();
        await using var azurite = await Azurite.StartAsync();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = packages.Path,
            ["NIXERY_GRAIN_STORAGE"] = "azuretable",
            ["NIXERY_GRAIN_STORAGE_CONNECTION"] = azurite.ConnectionString,
            ["PATH"] = nix.SearchPath,
        });
        await registry.StartAsync();
        var original = await PullAsync(registry);
        Assert.Equal(1, nix.Builds);
        Assert.Equal(1, nix.Selections);
        // The image grain's record is in the table, not on the storage backend.
        Assert.False(Directory.Exists(Path.Combine(storage.Path, "documents", "grains", "registry", "image")));

        nix.Reset();
        await registry.KillAsync();
        await registry.StartAsync();
        Assert.Equal(original, await PullAsync(registry));
        Assert.Equal(0, nix.Builds);
        Assert.Equal(0, nix.Selections);
    }

    private static async Task<string[]> PullAsync(RegistryProcess registry)
    {
        using var http = registry.Http();
        return await http.PullDigestsAsync(Image, "latest");
    }
}

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

    private static async Task<string[]> PullAsync(RegistryProcess registry)
    {
        using var http = registry.Http();
        return await http.PullDigestsAsync(Image, "latest");
    }
}

using System.Text.Json;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>Layering strategies and popularity data through the real registry.</summary>
public class LayeringTests
{
    [Fact]
    public async Task The_popularity_command_computes_popularity_data_from_the_package_set_offline()
    {
        using var work = new TemporaryDirectory();
        var file = work.Combine("popularity.json");
        await using (var command = new RegistryProcess(work.Combine("storage")))
            Assert.Equal(0, await command.RunCommandAsync("popularity", file));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var counts = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        // Every program of the demo set runs on busybox; git, curl, python3 and openssl use zlib.
        Assert.True(counts["busybox-1.35.0"] >= 10);
        Assert.Equal(5, counts["zlib-1.3.1"]);
        Assert.DoesNotContain(counts.Values, c => c == 1);
    }

    /// <summary>
    /// NIX_POPULARITY_URL is fetched once at start and used as the same data
    /// from a file is: zlib made popular gets a layer of its own (Nixery's
    /// strategy gives paths of popularity 100 or more their own root edge),
    /// so the layers differ from those without popularity data and equal
    /// those with the file.
    /// </summary>
    [Fact]
    public async Task Popularity_data_from_a_url_groups_layers_as_the_same_data_from_a_file_does()
    {
        using var work = new TemporaryDirectory();
        var data = """{"zlib-1.3.1": 1000}"""u8.ToArray();
        await File.WriteAllBytesAsync(work.Combine("popularity.json"), data);
        using var server = new TarballServer();
        server.Publish("popularity", data);

        async Task<(string[] Layers, int Requests)> LayersWith(string name, Dictionary<string, string> environment)
        {
            environment["NIXERY_LAYERING"] = "nixery";
            await using var registry = new RegistryProcess(work.Combine(name), environment);
            await registry.StartAsync();
            using var http = registry.Http();
            var (manifest, _, _) = await http.ManifestAsync("shell/git/htop", "latest");
            await http.ManifestAsync("shell/git/htop", "latest");
            return (RegistryClient.LayerDigests(manifest).ToArray(), server.Requests);
        }

        var (fromUrl, requests) = await LayersWith("url", new() { ["NIX_POPULARITY_URL"] = server.BaseUrl + "popularity.tar.gz" });
        Assert.Equal(1, requests);
        var (fromFile, _) = await LayersWith("file", new() { ["NIXERY_POPULARITY_FILE"] = work.Combine("popularity.json") });
        var (without, _) = await LayersWith("none", new());

        Assert.Equal(fromFile, fromUrl);
        Assert.NotEqual(without, fromUrl);
        Assert.Equal(without.Length + 1, fromUrl.Length);
    }

    [Theory]
    [InlineData("stable")]
    [InlineData("nixery")]
    [InlineData("popularity")]
    public async Task Every_strategy_serves_images_that_run_within_its_budget(string strategy)
    {
        using var work = new TemporaryDirectory();
        var environment = new Dictionary<string, string> { ["NIXERY_LAYERING"] = strategy, ["NIXERY_LAYER_BUDGET"] = "3" };
        if (strategy == "nixery")
        {
            await using (var command = new RegistryProcess(work.Combine("popularity-storage")))
                Assert.Equal(0, await command.RunCommandAsync("popularity", work.Combine("popularity.json")));
            environment["NIXERY_POPULARITY_FILE"] = work.Combine("popularity.json");
        }
        await using var registry = new RegistryProcess(work.Combine("storage"), environment);
        await registry.StartAsync();
        using var http = registry.Http();
        var (manifest, _, _) = await http.ManifestAsync("shell/git/htop", "latest");
        Assert.InRange(RegistryClient.LayerDigests(manifest).Count(), 2, 3 + 1);

        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{registry.Address}/shell/git/htop:latest", $"oci:{work.Combine("oci")}:image");
        await Shell.RunAsync("umoci", "unpack", "--image", $"{work.Combine("oci")}:image", work.Combine("bundle"));
        Assert.Equal("git 2.44.0\n", await Shell.RunAsync("chroot", work.Combine("bundle", "rootfs"), "/bin/git"));
    }
}

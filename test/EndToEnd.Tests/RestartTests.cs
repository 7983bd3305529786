using System.Security.Cryptography;
using System.Text.Json;
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

    /// <summary>Every digest of the image, checked against the bytes served.</summary>
    private static async Task<string[]> PullAsync(RegistryProcess registry)
    {
        using var http = registry.Http();
        var digests = new List<string>();
        foreach (var accept in new[] { "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Image}/manifests/latest");
            request.Headers.Accept.ParseAdd(accept);
            using var response = await http.SendAsync(request);
            var manifest = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, System.Text.Encoding.UTF8.GetString(manifest));
            digests.Add(Sha256(manifest));
            using var json = JsonDocument.Parse(manifest);
            var blobs = json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)
                .Append(json.RootElement.GetProperty("config").GetProperty("digest").GetString()!);
            foreach (var blob in blobs)
            {
                Assert.Equal(blob, Sha256(await http.GetByteArrayAsync($"/v2/{Image}/blobs/{blob}")));
                digests.Add(blob);
            }
        }
        return [.. digests];
    }

    private static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}

using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace Nixery.EndToEnd.Tests.Storage;

/// <summary>
/// A blob named by a cached manifest is redirected to without asking storage,
/// but only for NIXERY_REDIRECT_RECHECK after storage last said it exists:
/// then a request asks again, and a blob storage lost is stored again
/// (issue 8: a manifest whose blob has vanished is repaired, not served
/// broken). Before, it was redirected to for as long as the manifest stayed
/// cached, and every client got 404 from the storage service.
/// </summary>
[Collection(Heavy.Name)]
public sealed class RedirectRecheckTests(S3rverRecheckRegistryFixture fixture) : IClassFixture<S3rverRecheckRegistryFixture>
{
    [Fact]
    public async Task A_lost_blob_of_a_cached_manifest_is_stored_again_once_the_recheck_interval_has_passed()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{fixture.Registry.Address}") };
        // Twice: the second is answered from the manifest cache, which now knows the blobs.
        await http.GetStringAsync("/v2/hello/manifests/latest");
        using var manifest = JsonDocument.Parse(await http.GetStringAsync("/v2/hello/manifests/latest"));
        var blob = Digest.Parse(manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!);
        var storage = fixture.Storage;
        var content = await storage.ReadAsync(blob, long.MaxValue, CancellationToken.None) ?? throw new InvalidOperationException($"{blob} is not in the bucket");
        await storage.DeleteAsync(blob, CancellationToken.None);

        // Waiting out the configured interval, not timing anything: a slower machine only waits longer.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using (var response = await http.GetAsync($"/v2/hello/blobs/{blob}"))
            Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.NotNull(await storage.SizeAsync(blob, CancellationToken.None));
        var stored = await storage.ReadAsync(blob, long.MaxValue, CancellationToken.None);
        Assert.Equal(blob.ToString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stored!)));
        Assert.Equal(content.Length, stored!.Length);
    }
}

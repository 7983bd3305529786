using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Frontend.Tests;

/// <summary>
/// The index grain lists the image index at most once a second. An image
/// built right after a listing (the start-up warm-up's request for an absent
/// blob makes one) must still have its lost blobs repaired: a clean CI run
/// once served 404 for one. The clock is manual, so here the next listing
/// never comes: only being told of the image as it is recorded can help.
/// </summary>
public class LostBlobRepairTests(LostBlobRepairTests.Registry registry) : IClassFixture<LostBlobRepairTests.Registry>
{
    public sealed class Registry() : RegistryCluster(new RegistryClusterOptions(ManualClock: true));

    [Fact]
    public async Task A_blob_lost_from_an_image_built_right_after_a_listing_is_stored_again()
    {
        var http = registry.Http;
        using (var absent = await http.GetAsync($"/v2/hello/blobs/sha256:{new string('0', 64)}"))
            Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);

        using var manifest = JsonDocument.Parse(await http.GetStringAsync("/v2/hello/manifests/latest"));
        var layer = Digest.Parse(manifest.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!);
        var store = new FileSystemBlobStore(registry.StoragePath);
        var file = Assert.IsType<BlobLocation.LocalFile>(await store.LocateAsync(layer, CancellationToken.None));
        File.Delete(file.Path);

        using var response = await http.GetAsync($"/v2/hello/blobs/{layer}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(layer.ToString(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())));
        Assert.NotNull(await store.SizeAsync(layer, CancellationToken.None));
    }
}

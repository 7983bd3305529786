using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests.Storage;

/// <summary>
/// The real registry process on an object-storage backend: skopeo pulls a
/// whole image (following redirects to the storage server, or reading
/// blobs the registry proxies), ranges and missing blobs are answered as
/// the distribution spec says, and the image survives a restart from
/// state kept in the bucket.
/// </summary>
public abstract class ObjectStoragePullContract(ObjectStorageRegistryFixture fixture)
{
    private const string Image = "hello";

    private RegistryProcess Registry => fixture.Registry;

    [Fact]
    public async Task Skopeo_copies_an_image_whose_blobs_live_in_the_backend()
    {
        using var work = new TemporaryDirectory();
        var layout = work.Combine("oci");
        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{Registry.Address}/{Image}:latest", $"oci:{layout}:image");
        // skopeo checks every blob against its digest while copying. The
        // layout holds every layer as served; the config it rewrites for OCI.
        var manifest = await ManifestAsync();
        foreach (var blob in Layers(manifest))
            Assert.True(File.Exists(Path.Combine(layout, "blobs", "sha256", blob[7..])),
                $"{blob} is missing from the copy: {string.Join(", ", Directory.EnumerateFiles(layout, "*", SearchOption.AllDirectories))}");
    }

    [Fact]
    public async Task A_blob_is_answered_by_redirect_or_by_the_registry_as_configured()
    {
        var blob = Blobs(await ManifestAsync()).First();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{Registry.Address}") };
        using var response = await http.GetAsync($"/v2/{Image}/blobs/{blob}");
        if (fixture.Redirects)
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
            Assert.StartsWith(fixture.StorageOrigin, response.Headers.Location!.ToString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(blob, Sha256(await response.Content.ReadAsByteArrayAsync()));
        }
    }

    /// <summary>
    /// Once the registry has served a manifest from its cache, it knows the blobs it names
    /// exist, so a redirect is signed without asking storage: it is given even when the blob
    /// has been taken out of the bucket behind the registry's back, and the blob is not stored
    /// again (as asking storage would have it), which shows no request was made. Proxying reads storage, finds the blob missing, and has it stored again
    /// (the repair of a lost blob, see BlobRepairTests): the same bytes come back.
    /// </summary>
    [Fact]
    public async Task A_blob_named_by_a_served_manifest_is_redirected_without_asking_storage()
    {
        await ManifestAsync();
        var blob = Digest.Parse(Layers(await ManifestAsync()).First());
        var storage = fixture.Storage;
        var content = await storage.ReadAsync(blob, long.MaxValue, CancellationToken.None) ?? throw new InvalidOperationException($"{blob} is not in the bucket");
        await storage.DeleteAsync(blob, CancellationToken.None);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{Registry.Address}") };
            using var response = await http.GetAsync($"/v2/{Image}/blobs/{blob}");
            if (fixture.Redirects)
            {
                Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
                Assert.Null(await storage.SizeAsync(blob, CancellationToken.None));
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(blob.ToString(), Sha256(await response.Content.ReadAsByteArrayAsync()));
                Assert.NotNull(await storage.SizeAsync(blob, CancellationToken.None));
            }
        }
        finally
        {
            if (await storage.SizeAsync(blob, CancellationToken.None) is null)
                await storage.PutAsync((stream, token) => stream.WriteAsync(content, token).AsTask(), blob, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_range_read_gives_the_bytes_of_the_range()
    {
        var blob = Blobs(await ManifestAsync()).First();
        using var http = Registry.Http();
        var whole = await http.GetByteArrayAsync($"/v2/{Image}/blobs/{blob}");
        Assert.Equal(blob, Sha256(whole));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Image}/blobs/{blob}");
        request.Headers.Range = new RangeHeaderValue(10, 109);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[10..110], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_missing_blob_is_404_blob_unknown()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{Registry.Address}") };
        var missing = "sha256:" + new string('0', 64);
        using var response = await http.GetAsync($"/v2/{Image}/blobs/{missing}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("BLOB_UNKNOWN", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_image_survives_a_restart_without_a_rebuild()
    {
        var before = await ManifestAsync();
        fixture.Nix.Reset();
        await Registry.StopAsync();
        await Registry.StartAsync();
        Assert.Equal(before, await ManifestAsync());
        Assert.Equal(0, fixture.Nix.Builds);
    }

    private async Task<string> ManifestAsync()
    {
        using var http = Registry.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Image}/manifests/latest");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}\n{Registry.Log}");
        return body;
    }

    private static IEnumerable<string> Layers(string manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        return json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToList();
    }

    private static IEnumerable<string> Blobs(string manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        return json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!)
            .Append(json.RootElement.GetProperty("config").GetProperty("digest").GetString()!)
            .ToList();
    }

    private static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}

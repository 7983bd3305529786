using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Manifests;

namespace Nixery.Tests.Support;

/// <summary>Requests as real clients send them, and the checks every response must pass.</summary>
public static class RegistryClient
{
    public static HttpRequestMessage Request(HttpMethod method, string path, params string[] accept)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var type in accept) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, params string[] accept) =>
        await http.SendAsync(Request(method, path, accept));

    public static string? Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;

    /// <summary>The registry error code of a JSON error body.</summary>
    public static async Task<(string Code, string Message)> ErrorAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors")[0];
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    public static async Task<(byte[] Content, string Digest, string MediaType)> ManifestAsync(this HttpClient http, string name, string reference, params string[] accept)
    {
        using var response = await http.SendAsync(HttpMethod.Get, $"/v2/{name}/manifests/{reference}",
            accept.Length > 0 ? accept : [MediaTypes.DockerManifest, MediaTypes.OciManifest]);
        var content = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.IsSuccessStatusCode, $"{name}:{reference} → {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(content)}");
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        Assert.Equal(digest, response.Header("Docker-Content-Digest"));
        return (content, digest, response.Content.Headers.ContentType!.MediaType!);
    }

    public static IEnumerable<string> LayerDigests(byte[] manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        return json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToArray();
    }

    public static string ConfigDigest(byte[] manifest)
    {
        using var json = JsonDocument.Parse(manifest);
        return json.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
    }

    /// <summary>
    /// Pulls an image as a client does (both manifest types, every blob) and returns every digest,
    /// each checked against the bytes served: equal lists mean the same image, intact.
    /// </summary>
    public static async Task<string[]> PullDigestsAsync(this HttpClient http, string name, string reference)
    {
        var digests = new List<string>();
        foreach (var accept in new[] { MediaTypes.DockerManifest, MediaTypes.OciManifest })
        {
            var (manifest, digest, _) = await http.ManifestAsync(name, reference, accept);
            digests.Add(digest);
            foreach (var blob in LayerDigests(manifest).Append(ConfigDigest(manifest)))
            {
                Assert.Equal(blob, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await http.GetByteArrayAsync($"/v2/{name}/blobs/{blob}"))));
                digests.Add(blob);
            }
        }
        return [.. digests];
    }
}

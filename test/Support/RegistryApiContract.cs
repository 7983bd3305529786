using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Nixery.Manifests;

namespace Nixery.Tests.Support;

/// <summary>
/// The registry API over HTTP, against a registry serving the demo package
/// set with real Nix: every pull check of the distribution-spec conformance
/// suite that applies to a read-only registry, and the behaviours real
/// clients depend on. It runs in-process over a TestCluster here and against
/// the real registry process in the end-to-end tests.
/// </summary>
public abstract class RegistryApiContract
{
    protected abstract HttpClient Http { get; }

    /// <summary>How many times the registry has built the image of this name and tag.</summary>
    protected abstract Task<int> BuildsOfAsync(string name, string tag);

    [Fact]
    public async Task The_index_page_tells_how_to_pull_from_this_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "registry.example:5000";
        using var response = await Http.SendAsync(request);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("docker pull registry.example:5000/shell/git/htop", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_image_of_more_packages_than_allowed_is_denied_naming_the_limit()
    {
        // 64 names plus the two default packages: over NIXERY_MAX_PACKAGES' default of 64.
        var name = string.Join('/', Enumerable.Range(0, 64).Select(i => $"p{i}"));
        using var response = await Http.GetAsync($"/v2/{name}/manifests/latest");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var (code, message) = await response.ErrorAsync();
        Assert.Equal("DENIED", code);
        Assert.Contains("NIXERY_MAX_PACKAGES", message);
    }

    [Fact]
    public async Task The_base_endpoint_answers_with_the_api_version()
    {
        // With and without the slash: clients probe both.
        foreach (var path in new[] { "/v2/", "/v2" })
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await Http.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("registry/2.0", response.Header("Docker-Distribution-API-Version"));
        }
    }

    [Fact]
    public async Task A_manifest_by_tag_has_digest_type_and_length_headers_matching_its_body()
    {
        using var response = await Http.SendAsync(HttpMethod.Get, "/v2/hello/manifests/latest", MediaTypes.DockerManifest);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MediaTypes.DockerManifest, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)), response.Header("Docker-Content-Digest"));
        using var json = JsonDocument.Parse(body);
        Assert.Equal(MediaTypes.DockerManifest, json.RootElement.GetProperty("mediaType").GetString());
    }

    [Fact]
    public async Task Head_answers_like_get_without_a_body()
    {
        var get = await Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        using var head = await Http.SendAsync(HttpMethod.Head, "/v2/hello/manifests/latest", MediaTypes.DockerManifest);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Digest, head.Header("Docker-Content-Digest"));
        Assert.Equal(get.Content.Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_oci_only_client_gets_the_oci_manifest_by_tag_and_by_digest()
    {
        var byTag = await Http.ManifestAsync("hello", "latest", MediaTypes.OciManifest);
        Assert.Equal(MediaTypes.OciManifest, byTag.MediaType);
        var byDigest = await Http.ManifestAsync("hello", byTag.Digest, MediaTypes.OciManifest);
        Assert.Equal(byTag.Content, byDigest.Content);
        Assert.Equal(MediaTypes.OciManifest, byDigest.MediaType);
        using var head = await Http.SendAsync(HttpMethod.Head, $"/v2/hello/manifests/{byTag.Digest}", MediaTypes.OciManifest);
        Assert.Equal(byTag.Digest, head.Header("Docker-Content-Digest"));
    }

    [Fact]
    public async Task The_docker_and_oci_manifests_name_the_same_blobs()
    {
        var docker = await Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        var oci = await Http.ManifestAsync("hello", "latest", MediaTypes.OciManifest);
        Assert.NotEqual(docker.Digest, oci.Digest);
        Assert.Equal(RegistryClient.LayerDigests(docker.Content), RegistryClient.LayerDigests(oci.Content));
        Assert.Equal(RegistryClient.ConfigDigest(docker.Content), RegistryClient.ConfigDigest(oci.Content));
    }

    [Fact]
    public async Task Every_blob_of_an_image_is_served_with_its_digest_and_no_content_encoding()
    {
        var manifest = await Http.ManifestAsync("hello", "latest");
        foreach (var digest in RegistryClient.LayerDigests(manifest.Content).Append(RegistryClient.ConfigDigest(manifest.Content)))
        {
            using var request = RegistryClient.Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(digest, response.Header("Docker-Content-Digest"));
            Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body)));
            Assert.Empty(response.Content.Headers.ContentEncoding);
            using var head = await Http.SendAsync(HttpMethod.Head, $"/v2/hello/blobs/{digest}");
            Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Layers_are_gzip_tars_whose_digests_match_the_config_diff_ids()
    {
        var manifest = await Http.ManifestAsync("hello", "latest");
        var configBytes = await Http.GetByteArrayAsync($"/v2/hello/blobs/{RegistryClient.ConfigDigest(manifest.Content)}");
        using var config = JsonDocument.Parse(configBytes);
        var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()).ToArray();
        var layers = RegistryClient.LayerDigests(manifest.Content).ToArray();
        Assert.Equal(layers.Length, diffIds.Length);
        for (var i = 0; i < layers.Length; i++)
        {
            await using var blob = await Http.GetStreamAsync($"/v2/hello/blobs/{layers[i]}");
            await using var tar = new GZipStream(blob, CompressionMode.Decompress);
            Assert.Equal(diffIds[i], "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(tar)));
        }
    }

    [Fact]
    public async Task A_missing_blob_is_blob_unknown()
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData("hello world"u8));
        using var get = await Http.SendAsync(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", (await get.ErrorAsync()).Code);
        using var head = await Http.SendAsync(HttpMethod.Head, $"/v2/hello/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Theory]
    [InlineData("bytes=10-19", HttpStatusCode.PartialContent)]
    [InlineData("bytes=-10", HttpStatusCode.PartialContent)]
    [InlineData("bytes=10-", HttpStatusCode.PartialContent)]
    [InlineData("bytes=10-5", HttpStatusCode.RequestedRangeNotSatisfiable)]
    [InlineData("bytes=100000000-", HttpStatusCode.RequestedRangeNotSatisfiable)]
    public async Task Blobs_serve_single_ranges(string range, HttpStatusCode status)
    {
        var manifest = await Http.ManifestAsync("hello", "latest");
        var digest = RegistryClient.LayerDigests(manifest.Content).First();
        var whole = await Http.GetByteArrayAsync($"/v2/hello/blobs/{digest}");
        using var request = RegistryClient.Request(HttpMethod.Get, $"/v2/hello/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await Http.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        if (status != HttpStatusCode.PartialContent)
        {
            Assert.Equal($"bytes */{whole.Length}", response.Content.Headers.ContentRange?.ToString());
            return;
        }
        var contentRange = response.Content.Headers.ContentRange!;
        var part = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(whole.Length, contentRange.Length);
        Assert.Equal(whole[(int)contentRange.From!.Value..((int)contentRange.To!.Value + 1)], part);
        Assert.Equal(part.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task An_invalid_tag_is_not_built_and_is_manifest_unknown()
    {
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await Http.SendAsync(method, "/v2/hello/manifests/.INVALID_MANIFEST_NAME");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using var get = await Http.SendAsync(HttpMethod.Get, "/v2/hello/manifests/.INVALID_MANIFEST_NAME");
        Assert.Equal("MANIFEST_UNKNOWN", (await get.ErrorAsync()).Code);
    }

    [Fact]
    public async Task An_unknown_tag_and_an_unknown_digest_are_manifest_unknown()
    {
        using var tag = await Http.SendAsync(HttpMethod.Get, "/v2/hello/manifests/no-such-tag");
        Assert.Equal(HttpStatusCode.NotFound, tag.StatusCode);
        Assert.Contains("no-such-tag", (await tag.ErrorAsync()).Message);
        var digest = "sha256:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var byDigest = await Http.SendAsync(HttpMethod.Get, $"/v2/hello/manifests/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, byDigest.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", (await byDigest.ErrorAsync()).Code);
    }

    [Theory]
    [InlineData("sha256:totallywrong")]
    [InlineData("sha256:baddigeststring")]
    public async Task A_malformed_digest_is_digest_invalid(string digest)
    {
        using var response = await Http.SendAsync(HttpMethod.Get, $"/v2/hello/manifests/{digest}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("DIGEST_INVALID", (await response.ErrorAsync()).Code);
    }

    [Fact]
    public async Task A_blob_digest_cannot_be_fetched_as_a_manifest()
    {
        var manifest = await Http.ManifestAsync("hello", "latest");
        using var response = await Http.SendAsync(HttpMethod.Get, $"/v2/hello/manifests/{RegistryClient.ConfigDigest(manifest.Content)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_invalid_repository_name_is_name_invalid()
    {
        using var response = await Http.SendAsync(HttpMethod.Get, "/v2/Hello/manifests/latest");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NAME_INVALID", (await response.ErrorAsync()).Code);
    }

    [Fact]
    public async Task Missing_packages_are_all_named_in_one_manifest_unknown()
    {
        using var response = await Http.SendAsync(HttpMethod.Get, "/v2/hello/no-such-package/also-missing/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (code, message) = await response.ErrorAsync();
        Assert.Equal("MANIFEST_UNKNOWN", code);
        Assert.Contains("no-such-package", message);
        Assert.Contains("also-missing", message);
    }

    [Fact]
    public async Task A_failing_build_names_the_derivation_and_its_log()
    {
        using var response = await Http.SendAsync(HttpMethod.Get, "/v2/broken/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (code, message) = await response.ErrorAsync();
        Assert.Equal("MANIFEST_UNKNOWN", code);
        Assert.Matches("broken-1.0.drv failed with exit code 3", message);
        Assert.Contains("this package is broken on purpose", message);
    }

    [Fact]
    public async Task Tags_are_listed_and_paginated()
    {
        using var json = JsonDocument.Parse(await Http.GetStringAsync("/v2/shell/hello/tags/list"));
        Assert.Equal("shell/hello", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(["latest"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        using var empty = JsonDocument.Parse(await Http.GetStringAsync("/v2/hello/tags/list?n=1&last=latest"));
        Assert.Equal(0, empty.RootElement.GetProperty("tags").GetArrayLength());
    }

    [Theory]
    [InlineData("POST", "/v2/hello/blobs/uploads/")]
    [InlineData("PUT", "/v2/hello/manifests/latest")]
    [InlineData("DELETE", "/v2/hello/manifests/latest")]
    [InlineData("PATCH", "/v2/hello/blobs/uploads/1234")]
    [InlineData("DELETE", "/v2/hello/blobs/sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")]
    public async Task Writes_are_refused_with_a_json_error(string method, string path)
    {
        using var response = await Http.SendAsync(new HttpMethod(method), path);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("UNSUPPORTED", (await response.ErrorAsync()).Code);
    }

    [Fact]
    public async Task Unknown_endpoints_get_a_json_error()
    {
        using var response = await Http.SendAsync(HttpMethod.Get, "/v2/_catalog");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEmpty((await response.ErrorAsync()).Code);
    }

    [Fact]
    public async Task The_image_config_has_path_certificates_and_a_shell_command()
    {
        var manifest = await Http.ManifestAsync("shell", "latest");
        using var config = JsonDocument.Parse(await Http.GetByteArrayAsync($"/v2/shell/blobs/{RegistryClient.ConfigDigest(manifest.Content)}"));
        var env = config.RootElement.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains(env, e => e!.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Contains("SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt", env);
        Assert.Equal(["bash"], config.RootElement.GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("amd64", config.RootElement.GetProperty("architecture").GetString());
    }

    [Fact]
    public async Task The_order_of_packages_in_the_name_does_not_change_the_image()
    {
        var first = await Http.ManifestAsync("git/htop", "latest");
        var second = await Http.ManifestAsync("htop/git", "latest");
        Assert.Equal(first.Digest, second.Digest);
    }

    [Fact]
    public async Task A_client_holding_the_manifest_gets_304_with_the_same_headers_by_tag_and_by_digest()
    {
        var manifest = await Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        foreach (var reference in new[] { "latest", manifest.Digest })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                var request = RegistryClient.Request(method, $"/v2/hello/manifests/{reference}", MediaTypes.DockerManifest);
                request.Headers.TryAddWithoutValidation("If-None-Match", $"\"sha256:{new string('0', 64)}\", \"{manifest.Digest}\"");
                using var response = await Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
                Assert.Equal($"\"{manifest.Digest}\"", response.Headers.ETag?.ToString());
                Assert.Equal(manifest.Digest, response.Header("Docker-Content-Digest"));
                Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            }
        }
        var stale = RegistryClient.Request(HttpMethod.Get, "/v2/hello/manifests/latest", MediaTypes.DockerManifest);
        stale.Headers.TryAddWithoutValidation("If-None-Match", $"\"sha256:{new string('0', 64)}\"");
        using var changed = await Http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(manifest.Content, await changed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Repeated_pulls_by_tag_negotiate_the_format_per_request_and_head_matches_get()
    {
        // Enough requests that later ones are answered from the manifest cache.
        for (var i = 0; i < 3; i++)
        {
            var docker = await Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
            var oci = await Http.ManifestAsync("hello", "latest", MediaTypes.OciManifest);
            Assert.Equal(MediaTypes.DockerManifest, docker.MediaType);
            Assert.Equal(MediaTypes.OciManifest, oci.MediaType);
            Assert.NotEqual(docker.Digest, oci.Digest);
            foreach (var (type, expected) in new[] { (MediaTypes.DockerManifest, docker), (MediaTypes.OciManifest, oci) })
            {
                foreach (var reference in new[] { "latest", expected.Digest })
                {
                    using var head = await Http.SendAsync(HttpMethod.Head, $"/v2/hello/manifests/{reference}", type);
                    Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                    Assert.Equal(expected.Digest, head.Header("Docker-Content-Digest"));
                    Assert.Equal(expected.Content.Length, head.Content.Headers.ContentLength);
                    Assert.Equal(expected.MediaType, head.Content.Headers.ContentType?.MediaType);
                    Assert.Equal($"\"{expected.Digest}\"", head.Headers.ETag?.ToString());
                }
            }
        }
    }

    [Fact]
    public async Task A_client_holding_a_blob_gets_304_without_a_body()
    {
        var manifest = await Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        var layer = RegistryClient.LayerDigests(manifest.Content).First();
        var request = RegistryClient.Request(HttpMethod.Get, $"/v2/hello/blobs/{layer}");
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"{layer}\"");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(layer, response.Header("Docker-Content-Digest"));
        Assert.Equal($"\"{layer}\"", response.Headers.ETag?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_then_get_builds_once()
    {
        const string name = "jq/zlib";
        using var head = await Http.SendAsync(HttpMethod.Head, $"/v2/{name}/manifests/latest", MediaTypes.DockerManifest);
        var digest = head.Header("Docker-Content-Digest");
        using var get = await Http.SendAsync(HttpMethod.Get, $"/v2/{name}/manifests/{digest}", MediaTypes.DockerManifest);
        using var getByTag = await Http.SendAsync(HttpMethod.Get, $"/v2/{name}/manifests/latest", MediaTypes.DockerManifest);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(digest, getByTag.Header("Docker-Content-Digest"));
        Assert.Equal(1, await BuildsOfAsync(name, "latest"));
    }
}

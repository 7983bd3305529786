using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nixery.EndToEnd.Tests.Support;
using Nixery.Manifests;
using Nixery.Sbom;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// The SBOM of a real image, found through the referrers API as the OCI
/// distribution-spec 1.1 conformance checks look for referrers (read-only
/// part), validated against the SPDX 2.3 schema and compared with what Nix
/// itself says about the image's closure.
/// </summary>
public class SbomTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private const string Name = "git/openssl";
    private static readonly string[] Packages = ["cacert", "git", "iana-etc", "openssl"];

    private RegistryProcess Registry => fixture.Registry;

    [Fact]
    public async Task Both_manifests_have_the_sbom_as_their_one_referrer()
    {
        using var http = Registry.Http();
        var docker = await ManifestDigestAsync(http, MediaTypes.DockerManifest);
        var oci = await ManifestDigestAsync(http, MediaTypes.OciManifest);
        Assert.NotEqual(docker, oci);

        var sboms = new List<string>();
        foreach (var subject in new[] { docker, oci })
        {
            using var response = await http.GetAsync($"/v2/{Name}/referrers/{subject}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(MediaTypes.OciIndex, response.Content.Headers.ContentType?.MediaType);
            Assert.False(response.Headers.Contains("OCI-Filters-Applied"));
            var index = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(2, index["schemaVersion"]!.GetValue<int>());
            Assert.Equal(MediaTypes.OciIndex, index["mediaType"]!.GetValue<string>());
            var descriptor = Assert.Single(index["manifests"]!.AsArray())!;
            Assert.Equal(MediaTypes.OciManifest, descriptor["mediaType"]!.GetValue<string>());
            Assert.Equal(MediaTypes.SpdxJson, descriptor["artifactType"]!.GetValue<string>());

            // The referrer is a manifest the registry serves by digest, whose subject is the image.
            var artifactDigest = descriptor["digest"]!.GetValue<string>();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/manifests/{artifactDigest}");
            request.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
            using var artifactResponse = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, artifactResponse.StatusCode);
            var bytes = await artifactResponse.Content.ReadAsByteArrayAsync();
            Assert.Equal(descriptor["size"]!.GetValue<long>(), bytes.Length);
            Assert.Equal(artifactDigest, Digest.Sha256(bytes).ToString());
            var artifact = JsonNode.Parse(bytes)!;
            Assert.Equal(subject, artifact["subject"]!["digest"]!.GetValue<string>());
            Assert.Equal(MediaTypes.SpdxJson, artifact["artifactType"]!.GetValue<string>());
            sboms.Add(artifact["layers"]![0]!["digest"]!.GetValue<string>());
        }
        Assert.Single(sboms.Distinct());
    }

    [Fact]
    public async Task The_artifact_type_filter_is_applied_and_says_so()
    {
        using var http = Registry.Http();
        var subject = await ManifestDigestAsync(http, MediaTypes.DockerManifest);
        foreach (var (type, count) in new[] { (MediaTypes.SpdxJson, 1), ("application/vnd.example.signature", 0) })
        {
            using var response = await http.GetAsync($"/v2/{Name}/referrers/{subject}?artifactType={Uri.EscapeDataString(type)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("artifactType", response.Headers.GetValues("OCI-Filters-Applied").Single());
            Assert.Equal(count, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["manifests"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task A_manifest_without_referrers_gives_an_empty_index_and_a_bad_digest_400()
    {
        using var http = Registry.Http();
        using var unknown = await http.GetAsync($"/v2/{Name}/referrers/sha256:{new string('0', 64)}");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal(MediaTypes.OciIndex, unknown.Content.Headers.ContentType?.MediaType);
        Assert.Empty(JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["manifests"]!.AsArray());

        using var invalid = await http.GetAsync($"/v2/{Name}/referrers/sha256:nothex");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("DIGEST_INVALID", await invalid.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sbom_is_valid_spdx_and_says_what_nix_says_about_the_closure()
    {
        using var http = Registry.Http();
        var subject = await ManifestDigestAsync(http, MediaTypes.OciManifest);
        var index = JsonNode.Parse(await http.GetStringAsync($"/v2/{Name}/referrers/{subject}"))!;
        var artifact = JsonNode.Parse(await http.GetStringAsync($"/v2/{Name}/manifests/{index["manifests"]![0]!["digest"]}"))!;
        var sbomBytes = await http.GetByteArrayAsync($"/v2/{Name}/blobs/{artifact["layers"]![0]!["digest"]}");
        Assert.Empty(SpdxSchema.Problems(sbomBytes));
        var sbom = JsonNode.Parse(sbomBytes)!;

        // What Nix says, asked independently: the packages' outputs, then their closure.
        var environment = new Dictionary<string, string?> { ["NIX_CONF_DIR"] = Environment.GetEnvironmentVariable("NIX_CONF_DIR") ?? Path.Combine(Repository.Root, "demo", "nix") };
        var rootsJson = await Shell.RunAsync("nix-instantiate",
            ["--eval", "--strict", "--json", "--expr", $"let p = import {Repository.DemoPackageSet} {{}}; in [ {string.Join(' ', Packages.Select(n => $"p.{n}.outPath"))} ]"], environment);
        var roots = JsonSerializer.Deserialize<string[]>(rootsJson)!;
        var pathInfo = JsonNode.Parse(await Shell.RunAsync("nix", ["--extra-experimental-features", "nix-command", "path-info", "--json", "--recursive", .. roots], environment))!.AsArray();

        var packages = sbom["packages"]!.AsArray().Where(p => p!["SPDXID"]!.GetValue<string>() != SpdxDocument.ImageId)
            .ToDictionary(p => p!["packageFileName"]!.GetValue<string>(), p => p!);
        Assert.Equal(pathInfo.Select(p => p!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal), packages.Keys.Order(StringComparer.Ordinal));

        var dependsOn = sbom["relationships"]!.AsArray()
            .Where(r => r!["relationshipType"]!.GetValue<string>() == "DEPENDS_ON")
            .ToLookup(r => r!["spdxElementId"]!.GetValue<string>(), r => r!["relatedSpdxElement"]!.GetValue<string>());
        foreach (var entry in pathInfo)
        {
            var path = entry!["path"]!.GetValue<string>();
            var package = packages[path];
            Assert.Equal(SpdxDocument.IdOf(path), package["SPDXID"]!.GetValue<string>());
            Assert.Equal(NarHash.ToHex(entry["narHash"]!.GetValue<string>()), package["checksums"]![0]!["checksumValue"]!.GetValue<string>());
            var references = entry["references"]!.AsArray().Select(r => r!.GetValue<string>()).Where(r => r != path).Select(SpdxDocument.IdOf);
            Assert.Equal(references.Order(StringComparer.Ordinal), dependsOn[SpdxDocument.IdOf(path)].Order(StringComparer.Ordinal));
        }
        Assert.Equal(roots.Select(SpdxDocument.IdOf).Order(StringComparer.Ordinal), dependsOn[SpdxDocument.ImageId].Order(StringComparer.Ordinal));

        // meta from the package set, and the output of a second output's store path.
        var git = packages[roots[1]];
        Assert.Equal("git", git["name"]!.GetValue<string>());
        Assert.Equal("2.44.0", git["versionInfo"]!.GetValue<string>());
        Assert.Equal("GPL-2.0-only", git["licenseDeclared"]!.GetValue<string>());
        Assert.Equal("https://git-scm.com/", git["homepage"]!.GetValue<string>());
        var doc = packages.Single(p => p.Key.EndsWith("-openssl-3.0.13-doc", StringComparison.Ordinal)).Value;
        Assert.Equal("openssl", doc["name"]!.GetValue<string>());
        Assert.Equal("3.0.13", doc["versionInfo"]!.GetValue<string>());
        Assert.Contains("output doc", doc["comment"]!.GetValue<string>());
    }

    private static async Task<string> ManifestDigestAsync(HttpClient http, string mediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/manifests/latest");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }
}

using System.Net;
using Nixery.Manifests;

namespace Nixery.Frontend.Tests;

/// <summary>
/// The manifest cache against garbage collection: once a collection has
/// opened its sweep and waited as long as it does before deleting, no
/// frontend answers from what it cached before, by digest or by tag.
/// </summary>
public class ManifestCacheTests(RegistryCluster registry) : IClassFixture<RegistryCluster>
{
    [Fact]
    public async Task After_a_sweep_opens_no_frontend_serves_a_manifest_it_cached_before_and_storage_decides()
    {
        var frontends = registry.SiloFrontends.Append(registry.Http).ToArray();
        var manifest = await registry.Http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        foreach (var http in frontends)
        {
            // Twice each: the second answer comes from that frontend's cache.
            for (var i = 0; i < 2; i++) await http.ManifestAsync("hello", manifest.Digest, MediaTypes.DockerManifest);
        }

        var epoch = registry.Cluster.Client.GetGrain<ICacheEpochGrain>(0);
        await epoch.BeginSweep();
        File.Delete(Path.Combine(registry.StoragePath, "blobs", "sha256", manifest.Digest["sha256:".Length..]));
        // As a collection does between opening the sweep and deleting anything.
        await Task.Delay(ICacheEpochGrain.Validity + TimeSpan.FromSeconds(1));
        foreach (var http in frontends)
        {
            using var response = await http.SendAsync(HttpMethod.Get, $"/v2/hello/manifests/{manifest.Digest}", MediaTypes.DockerManifest);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await epoch.EndSweep();
        foreach (var http in frontends)
        {
            using var response = await http.SendAsync(HttpMethod.Get, $"/v2/hello/manifests/{manifest.Digest}", MediaTypes.DockerManifest);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}

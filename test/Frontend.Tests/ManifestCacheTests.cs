using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Storage;
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

    [Fact]
    public async Task A_warm_set_of_ten_thousand_images_keeps_both_manifests_of_each_by_digest()
    {
        // Issue 9's warm set. Each image brings a Docker and an OCI manifest; a digest map sized
        // for one per image evicts half of them, in turns, as the set is pulled round robin.
        const int images = 10_000;
        var cache = new ManifestCache(new ImageLookup(registry.Cluster.Client), registry.Cluster.Client, Options.Create(new StorageOptions()), NullLogger<ManifestCache>.Instance);
        var revision = new SourceRevision("path", "warm-set", "{}");
        var filed = new List<PreparedImage>();
        var epoch = await cache.EpochForFillAsync();
        for (var i = 0; i < images; i++)
        {
            var image = new PreparedImage(Manifest(MediaTypes.DockerManifest, i), Manifest(MediaTypes.OciManifest, i));
            cache.Add($"warm/{i}", "latest", image, new ImageRequest([$"p{i}"], Platform.Amd64, revision, "recipe"), TimeSpan.FromMinutes(1), epoch!.Value);
            filed.Add(image);
        }
        // A fresh confirmation of the epoch, so that whatever is kept is served.
        await cache.EpochForFillAsync();
        var kept = filed.Count(image => cache.TryGet(image.Docker.Digest, out _) && cache.TryGet(image.Oci.Digest, out _));
        Assert.Equal(images, kept);

        static PreparedManifest Manifest(string mediaType, int i)
        {
            var content = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{mediaType}}","image":{{i}}}""");
            return new PreparedManifest(new ManifestDocument(mediaType, Digest.Sha256(content), content));
        }
    }
}

/// <summary>
/// Revalidating cached tags costs what the source's revision costs, not what
/// the number of cached images costs: a source resolves a tag to the same
/// revision whatever the name, and the images' grains need asking only
/// every <see cref="ManifestCache.MaxLifetime"/> (to record the pull).
/// </summary>
public class ManifestCacheRevalidationTests(ManifestCacheRevalidationTests.Registry registry) : IClassFixture<ManifestCacheRevalidationTests.Registry>
{
    /// <summary>A package set of its own, so that a test can move its tag.</summary>
    public sealed class Registry : RegistryCluster
    {
        public Registry() : this(new SaltedPackageSet())
        {
        }

        private Registry(SaltedPackageSet packages) : base(new RegistryClusterOptions(PackageSet: packages.Path, SourceRefreshSeconds: 1)) =>
            Packages = packages;

        public SaltedPackageSet Packages { get; }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Packages.Dispose();
        }
    }

    [Fact]
    public async Task Tags_cached_under_one_revision_are_revalidated_by_one_resolve_and_no_image_grain_call()
    {
        string[] names = ["hello", "busybox", "hello/busybox"];
        var cache = await CacheOfAsync(names);
        // Past the source's refresh interval (a second): every entry is due for revalidation.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var resolves = registry.GrainCalls("IResolverGrain.Resolve");
        var imageCalls = ImageCalls();

        await cache.EpochForFillAsync();
        foreach (var name in names) Assert.True(cache.TryGet(name, "latest", out _), $"{name}:latest is served from the cache");
        await Poll.UntilAsync(() => registry.GrainCalls("IResolverGrain.Resolve") > resolves, "the cache revalidates the tag");
        // Time for any lookup started with the first to reach the image grains, as each entry's own did.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(1, registry.GrainCalls("IResolverGrain.Resolve") - resolves);
        Assert.Equal(imageCalls, ImageCalls());

        int ImageCalls() => registry.GrainCalls("IImageGrain.Status") + registry.GrainCalls("IImageGrain.Await");
    }

    [Fact]
    public async Task Tags_whose_source_moved_are_no_longer_served_after_its_refresh()
    {
        string[] names = ["hello", "busybox"];
        var cache = await CacheOfAsync(names);
        registry.Packages.Resalt();
        // The new revision's images are not built, and a refresh never builds: each entry is
        // dropped, and the next request takes the slow path.
        await Poll.UntilAsync(async () =>
        {
            await cache.EpochForFillAsync();
            return names.Select(name => cache.TryGet(name, "latest", out _)).ToList().All(served => !served);
        }, "a moved tag is no longer served from the cache");
    }

    /// <summary>A cache with the names' images filed by tag, as the manifest endpoint fills it on a miss.</summary>
    private async Task<ManifestCache> CacheOfAsync(string[] names)
    {
        var lookup = new ImageLookup(registry.Cluster.Client);
        var cache = new ManifestCache(lookup, registry.Cluster.Client, Options.Create(new StorageOptions()), NullLogger<ManifestCache>.Instance);
        foreach (var name in names)
        {
            var epoch = await cache.EpochForFillAsync();
            var resolved = await lookup.ResolveAsync(name, "latest");
            var found = await lookup.AwaitAsync(resolved, CancellationToken.None);
            cache.Add(name, "latest", new PreparedImage(found.Image!), resolved.Request!, found.Lifetime, epoch!.Value);
        }
        return cache;
    }
}

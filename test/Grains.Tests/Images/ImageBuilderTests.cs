using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nixery.Collection;
using Nixery.Images;
using Nixery.Layering;
using Nixery.Metrics;
using Nixery.Nix;
using Nixery.Packing;
using Nixery.Storage;
using Nixery.Tests.Layering;
using Nixery.Tests.Support;

namespace Nixery.Tests.Images;

/// <summary>
/// The image pipeline without Nix: a canned closure, a layer source that packs
/// a small stand-in tar per group, and a real filesystem store.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ImageBuilderTests : IDisposable
{
    private static readonly ImageRequest Request = new(
        ["cacert", "hello"], Platform.Amd64, new SourceRevision("path", "sha256-canned", "{}"), "recipe");

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_same_request_gives_byte_identical_config_and_manifests_on_a_fresh_store()
    {
        using var otherStore = new TemporaryDirectory();
        var first = await BuildAsync(_directory);
        var second = await BuildAsync(otherStore);

        Assert.Equal(first.Image.Docker.Content, second.Image.Docker.Content);
        Assert.Equal(first.Image.Oci.Content, second.Image.Oci.Content);
        Assert.Equal(first.Image.Config, second.Image.Config);
    }

    [Fact]
    public async Task Diff_ids_and_manifest_layers_follow_the_layer_order_not_the_order_layers_finish()
    {
        // The first group is the slowest to arrive: order must come from the layering, not from completion.
        var (image, store, source, contents) = await BuildAsync(_directory, slowFirst: true);

        // The layering's order, which the image's contents keep; not the order layers were asked for.
        var groupOrder = contents.TakeWhile(c => c.Paths.Count > 0).Select(c => c.Paths.Select(p => p.Path).ToArray()).ToArray();
        var inGroupOrder = groupOrder.Select(paths => source.Requested.Single(g => g.Paths.SequenceEqual(paths))).ToArray();
        Assert.True(inGroupOrder.Length > 1);
        var config = JsonDocument.Parse((await store.ReadAsync(image.Config, 1 << 20, CancellationToken.None))!);
        var diffIds = config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()).ToArray();
        var manifest = JsonDocument.Parse(image.Docker.Content);
        var layerDigests = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()).ToArray();

        var expected = source.InGroupOrder(inGroupOrder);
        Assert.Equal(expected.Select(l => l.DiffId.ToString()), diffIds.Take(expected.Count));
        Assert.Equal(expected.Select(l => l.Digest.ToString()), layerDigests.Take(expected.Count));
        Assert.Equal(expected.Count + 1, diffIds.Length);
        Assert.Equal(image.Layers[^1].DiffId.ToString(), diffIds[^1]);
    }

    [Fact]
    public async Task The_largest_layer_is_asked_for_first()
    {
        // app (20 MB) has the deepest closure, so the layering puts it after glibc (8 MB, nothing
        // below it). A silo packs only a few layers at once and the image waits for its slowest
        // layer, so the largest must not queue behind smaller ones.
        var closure = Closures.Of([
            ("app-1.0", 20_000_000, ["glibc-2.40", "libidn-1.42", "cacert-3.98"]),
            ("glibc-2.40", 8_000_000, []),
            ("libidn-1.42", 1_000_000, ["glibc-2.40"]),
            ("cacert-3.98", 400_000, []),
        ]);
        var store = new FileSystemBlobStore(_directory.Combine("store"));
        var source = new PackingLayerSource(store, slowFirst: false);

        var build = await Builder(new CannedClosure(PackageRoot(), closure), store, _directory).BuildAsync(Request, source, Lease(store), CancellationToken.None);

        Assert.NotEqual([Closures.PathOf("app-1.0")], build.Layers[0].Paths.Select(p => p.Path));
        Assert.Equal([Closures.PathOf("app-1.0")], source.Requested[0].Paths);
    }

    [Fact]
    public async Task Every_blob_the_manifests_name_is_in_the_store_with_its_size()
    {
        var (image, store, _, _) = await BuildAsync(_directory);

        foreach (var digest in image.Blobs())
            Assert.NotNull(await store.SizeAsync(digest, CancellationToken.None));
        foreach (var layer in image.Layers)
            Assert.Equal(layer.Size, await store.SizeAsync(layer.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_closure_build_stores_nothing_and_keeps_its_error()
    {
        var store = new FileSystemBlobStore(_directory.Combine("store"));
        var error = BuildError.Of(BuildErrorKind.BuildFailed, "builder for hello failed");
        var builder = Builder(new FailingClosure(error), store, _directory);

        var thrown = await Assert.ThrowsAsync<BuildFailedException>(() =>
            builder.BuildAsync(Request, new PackingLayerSource(store, slowFirst: false), Lease(store), CancellationToken.None));

        Assert.Same(error, thrown.Error);
        Assert.Empty(await store.ListAsync(CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Each_layer_s_store_paths_and_their_sizes_are_kept_for_the_web_page()
    {
        var store = new FileSystemBlobStore(_directory.Combine("store"));
        var build = await Builder(new CannedClosure(PackageRoot()), store, _directory).BuildAsync(Request, new PackingLayerSource(store, slowFirst: false), Lease(store), CancellationToken.None);

        Assert.Equal(build.Image.Layers.Select(l => l.Digest), build.Layers.Select(l => l.Digest));
        Assert.Empty(build.Layers[^1].Paths);
        var paths = build.Layers.SelectMany(l => l.Paths).ToArray();
        Assert.Equal(paths.Length, paths.Select(p => p.Path).Distinct().Count());
        Assert.Equal(4, paths.Length);
        Assert.Contains(paths, p => p.Path.EndsWith("glibc-2.40", StringComparison.Ordinal) && p.Size == 30_000_000);
    }

    [Fact]
    public async Task A_closure_larger_than_the_size_limit_is_refused_before_anything_is_stored()
    {
        var store = new FileSystemBlobStore(_directory.Combine("store"));
        var builder = Builder(new CannedClosure(PackageRoot()), store, _directory, maxImageSizeMegabytes: 10);

        var thrown = await Assert.ThrowsAsync<BuildFailedException>(() =>
            builder.BuildAsync(Request, new PackingLayerSource(store, slowFirst: false), Lease(store), CancellationToken.None));

        Assert.Equal(BuildErrorKind.TooLarge, thrown.Error.Kind);
        Assert.Contains("NIXERY_MAX_IMAGE_SIZE", thrown.Error.Message);
        Assert.Empty(await store.ListAsync(CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task A_reused_layer_collected_between_its_lookup_and_the_image_being_recorded_is_stored_again_and_kept()
    {
        // An image was built, then expired: every blob of it is unreferenced and was marked long ago.
        var store = new FileSystemBlobStore(_directory.Combine("store"));
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var leases = new BlobLeases(store, clock);
        var sweeper = new BlobSweeper(store, leases);
        var source = new PackingLayerSource(store, slowFirst: false);
        var builder = Builder(new CannedClosure(PackageRoot()), store, _directory);
        var first = await builder.BuildAsync(Request, source, leases.Open(TimeSpan.FromHours(1)), CancellationToken.None);
        var nothingReferenced = (CancellationToken _) => Task.FromResult<IReadOnlySet<Digest>>(new HashSet<Digest>());
        await sweeper.SweepAsync(nothingReferenced, clock.GetUtcNow(), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));

        // The same image is built again; right after its first layer is looked up (found, and reused), a collection runs.
        var collected = 0;
        source.AfterLookup = async () =>
        {
            if (Interlocked.Exchange(ref collected, 1) == 0)
                await sweeper.SweepAsync(nothingReferenced, clock.GetUtcNow(), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        };
        await using var lease = leases.Open(TimeSpan.FromHours(1));
        var second = await builder.BuildAsync(Request, source, lease, CancellationToken.None);
        Assert.Equal(1, collected);
        Assert.Equal(first.Image.Docker.Content, second.Image.Docker.Content);

        // Until the image is recorded only the lease keeps its blobs; a collection now takes nothing of it.
        clock.Advance(TimeSpan.FromMinutes(30));
        await sweeper.SweepAsync(nothingReferenced, clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        await sweeper.SweepAsync(nothingReferenced, clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        foreach (var digest in second.Image.Blobs())
            Assert.NotNull(await store.SizeAsync(digest, CancellationToken.None));
    }

    private async Task<(BuiltImage Image, FileSystemBlobStore Store, PackingLayerSource Source, IReadOnlyList<LayerContents> Contents)> BuildAsync(TemporaryDirectory directory, bool slowFirst = false)
    {
        var store = new FileSystemBlobStore(directory.Combine("store"));
        var source = new PackingLayerSource(store, slowFirst);
        var build = await Builder(new CannedClosure(PackageRoot()), store, directory).BuildAsync(Request, source, Lease(store), CancellationToken.None);
        return (build.Image, store, source, build.Layers);
    }

    /// <summary>A package output with a shell and a CA bundle, so the config's Cmd and SSL_CERT_FILE are exercised too.</summary>
    private string PackageRoot()
    {
        var root = _directory.Combine("hello-package");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "etc", "ssl", "certs"));
        File.WriteAllText(Path.Combine(root, "bin", "bash"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(root, ImageBuilder.CaBundle), "certificates\n");
        return root;
    }

    private static BlobLease Lease(IBlobStore store) => new BlobLeases(store, TimeProvider.System).Open(TimeSpan.FromHours(1));

    private static ImageBuilder Builder(IClosureBuilder closure, IBlobStore store, TemporaryDirectory directory, long maxImageSizeMegabytes = 10240)
    {
        var nix = Options.Create(new NixOptions { GcRootsPath = directory.Combine("gcroots"), MaxImageSizeMegabytes = maxImageSizeMegabytes });
        var metrics = new RegistryMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
        return new ImageBuilder(
            closure,
            new BuildSlots(nix, metrics),
            new StableLayering(),
            Options.Create(new LayeringOptions()),
            new PopularitySource(Popularity.None),
            new LayerPublisher(store),
            store,
            nix,
            metrics,
            new FakeTimeProvider(DateTimeOffset.UnixEpoch),
            NullLogger<ImageBuilder>.Instance);
    }

    /// <summary>A small closure: a package, its libraries and a large path that gets a layer of its own.</summary>
    private sealed class CannedClosure(string packageRoot, ClosureGraph? closure = null) : IClosureBuilder
    {
        public Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation) =>
            Task.FromResult(new NixBuild(
                closure ?? Closures.Of([
                    ("hello-2.12", 300_000, ["glibc-2.40", "libidn-1.42"]),
                    ("cacert-3.98", 400_000, []),
                    ("glibc-2.40", 30_000_000, []),
                    ("libidn-1.42", 1_000, ["glibc-2.40"]),
                ]),
                [packageRoot]));
    }

    private sealed class FailingClosure(BuildError error) : IClosureBuilder
    {
        public Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation) =>
            Task.FromException<NixBuild>(new BuildFailedException(error));
    }

    /// <summary>
    /// Packs each group as a tar holding one file that lists the group's paths,
    /// so different groups give different blobs; optionally the first finishes
    /// only after another group has. Like a layer grain, it remembers what it
    /// packed and reuses it while the blob is in storage;
    /// <see cref="AfterLookup"/> runs after each lookup.
    /// </summary>
    private sealed class PackingLayerSource(IBlobStore store, bool slowFirst) : ILayerSource
    {
        private readonly LayerPublisher _publisher = new(store);
        private readonly List<LayerGroup> _requested = [];
        private readonly Dictionary<LayerGroup, LayerDescriptor> _packed = [];
        private readonly TaskCompletionSource _anotherPacked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Func<Task>? AfterLookup { get; set; }

        public IReadOnlyList<LayerGroup> Requested
        {
            get
            {
                lock (_requested) return _requested.ToArray();
            }
        }

        public IReadOnlyList<LayerDescriptor> InGroupOrder(IEnumerable<LayerGroup> groups)
        {
            lock (_requested) return groups.Select(g => _packed[g]).ToArray();
        }

        public async Task<LayerDescriptor> GetAsync(LayerGroup group, CancellationToken cancellation)
        {
            bool first;
            LayerDescriptor? known;
            lock (_requested)
            {
                first = _requested.Count == 0;
                _requested.Add(group);
                _packed.TryGetValue(group, out known);
            }
            if (first && slowFirst) await _anotherPacked.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellation);
            var layer = known is not null && await store.SizeAsync(known.Digest, cancellation) is not null ? known : await PackAsync(group, first, cancellation);
            if (AfterLookup is { } after) await after();
            return layer;
        }

        private async Task<LayerDescriptor> PackAsync(LayerGroup group, bool first, CancellationToken cancellation)
        {
            var content = Encoding.UTF8.GetBytes(string.Join('\n', group.Paths));
            var layer = await _publisher.PublishAsync([TarEntry.File("paths", (UnixFileMode)0b110_100_100, content)], cancellation);
            lock (_requested) _packed[group] = layer;
            if (!first) _anotherPacked.TrySetResult();
            return layer;
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Collection;
using Nixery.Layering;
using Nixery.Manifests;
using Nixery.Metrics;
using Nixery.Nix;
using Nixery.Packing;
using Nixery.Sbom;
using Nixery.Storage;

namespace Nixery.Images;

/// <summary>
/// The image pipeline, stage by stage: Nix (an <see cref="IClosureBuilder"/>) builds the packages, the closure
/// is grouped into layers (each obtained from an <see cref="ILayerSource"/>,
/// concurrently), the customisation layer is packed, and the config and both
/// manifests are stored. Plain C#: the image grain calls it once per image.
/// </summary>
public sealed class ImageBuilder(
    IClosureBuilder nix,
    BuildSlots slots,
    ILayeringStrategy layering,
    IOptions<LayeringOptions> layeringOptions,
    PopularitySource popularity,
    LayerPublisher publisher,
    IBlobStore store,
    IOptions<NixOptions> nixOptions,
    RegistryMetrics metrics,
    TimeProvider clock,
    ILogger<ImageBuilder> logger)
{
    public const string CaBundle = "etc/ssl/certs/ca-bundle.crt";

    /// <param name="lease">Holds the image's blobs from garbage collection; the caller releases it once the image is recorded.</param>
    public async Task<ImageBuild> BuildAsync(ImageRequest request, ILayerSource layers, BlobLease lease, CancellationToken cancellation)
    {
        var key = request.Key();
        NixBuild build;
        using (await slots.AcquireAsync(cancellation))
        {
            logger.LogInformation("building image {ImageKey}: {Packages} for {System} from {Source}",
                key, request.Packages, request.Platform.NixSystem, request.Source.Id);
            build = await RunNixAsync(request, GcRoot(key), cancellation);
        }
        // Checked before anything is packed or stored: Nix reports sizes only once it has built.
        var size = build.Graph.Paths.Values.Sum(p => p.NarSize);
        var limit = nixOptions.Value.MaxImageSizeMegabytes * 1024 * 1024;
        if (size > limit)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.TooLarge,
                $"the image's closure is {size / (1024 * 1024)} MiB, more than {nixOptions.Value.MaxImageSizeMegabytes} MiB (NIXERY_MAX_IMAGE_SIZE)"));
        }

        var started = Stopwatch.GetTimestamp();
        var groups = layering.Group(build.Graph, new LayeringContext(layeringOptions.Value.Budget, popularity.Popularity));
        metrics.Stage("layering", started);
        logger.LogInformation("image {ImageKey}: {Paths} store paths in {Layers} layers", key, build.Graph.Paths.Count, groups.Count);

        // Layers reused from earlier images may have been marked by garbage
        // collection long ago; they count only once leased and found in
        // storage after that (see BlobLeases). A blob collected before the
        // lease is packed or written again, with the same digest.
        for (var attempt = 1; ; attempt++)
        {
            var image = await AssembleAsync(request, build, groups, layers, cancellation);
            await lease.HoldAsync(image.Image.Blobs(), cancellation);
            if (await store.FirstMissingAsync(image.Image.Blobs(), cancellation) is not { } missing) return image;
            if (attempt == 3)
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.StorageFailed, $"blob {missing} went missing from storage while the image was being recorded"));
            logger.LogWarning("image {ImageKey}: blob {Digest} was collected before it was leased; storing it again", key, missing);
        }
    }

    private async Task<ImageBuild> AssembleAsync(ImageRequest request, NixBuild build, IReadOnlyList<LayerGroup> groups, ILayerSource layers, CancellationToken cancellation)
    {
        // The customisation layer is packed alongside the store paths' layers, not after them.
        var started = Stopwatch.GetTimestamp();
        var customisation = CustomisationLayer.Build(build.PackageRoots);
        var customising = Task.Run(async () =>
        {
            var layer = await publisher.PublishAsync(customisation.Entries, cancellation);
            metrics.Stage("customisation", started);
            return layer;
        }, cancellation);
        var storeLayers = await LargestFirstAsync(groups, build.Graph, g => layers.GetAsync(g, cancellation));
        metrics.Stage("packing", started);
        var customLayer = await customising;
        var allLayers = storeLayers.Append(customLayer).ToArray();

        started = Stopwatch.GetTimestamp();

        var config = new ImageConfig(
            request.Platform,
            allLayers.Select(l => l.DiffId).ToArray(),
            Environment(customisation),
            Command(customisation),
            request.Packages,
            $"{request.Source.Kind}:{request.Source.Id}").ToJson();
        var configBlob = await PutAsync(config, cancellation);
        var docker = ImageManifest.Docker(configBlob, allLayers);
        var oci = ImageManifest.Oci(configBlob, allLayers);
        // The SBOM needs the manifests' digests, not their stored bytes: both are written at
        // once, each blob flushed to disk on its own (issue 9: serial writes on the cold path).
        var manifests = StoreManifestsAsync(docker, oci, started, cancellation);
        started = Stopwatch.GetTimestamp();
        var sbom = await PublishSbomAsync(request, build, configBlob.Digest, docker, oci, cancellation);
        metrics.Stage("sbom", started);
        await manifests;
        var image = new BuiltImage(docker, oci, configBlob.Digest, allLayers, clock.GetUtcNow(), sbom);
        return new ImageBuild(image, ImageBuild.Contents(groups, build.Graph, allLayers));
    }

    private async Task StoreManifestsAsync(ManifestDocument docker, ManifestDocument oci, long started, CancellationToken cancellation)
    {
        await Task.WhenAll(PutAsync(docker.Content, cancellation), PutAsync(oci.Content, cancellation));
        metrics.Stage("manifest", started);
    }

    /// <summary>
    /// Asks for every layer at once, the largest first, and gives them back in the groups'
    /// order. A silo packs only a few layers at a time (<see cref="LayerPublisher"/>) and the
    /// image waits for its slowest one, so the large layer must not queue behind small ones.
    /// </summary>
    private static async Task<LayerDescriptor[]> LargestFirstAsync(
        IReadOnlyList<LayerGroup> groups, ClosureGraph graph, Func<LayerGroup, Task<LayerDescriptor>> get)
    {
        var pending = new Task<LayerDescriptor>[groups.Count];
        var order = Enumerable.Range(0, groups.Count)
            .OrderByDescending(i => groups[i].Paths.Sum(p => graph.Paths.TryGetValue(p, out var info) ? info.NarSize : 0));
        foreach (var i in order) pending[i] = get(groups[i]);
        return await Task.WhenAll(pending);
    }

    /// <summary>
    /// The SPDX document of the closure, stored as a blob and made a referrer
    /// of both manifests. It carries the image's fixed creation time, so the
    /// same image gives the same SBOM and the same artifact manifests.
    /// </summary>
    private async Task<ImageSbom> PublishSbomAsync(ImageRequest request, NixBuild build, Digest config, ManifestDocument docker, ManifestDocument oci, CancellationToken cancellation)
    {
        var created = ImageConfig.Created;
        var subject = new SbomSubject(request.Packages, request.Platform.NixSystem, request.Source.Kind, request.Source.Id, config, created);
        var storingEmpty = PutAsync(Referrers.EmptyConfig, cancellation);
        var document = await PutAsync(SpdxDocument.Write(build.Graph, await build.Outputs, build.Meta, subject), cancellation);
        var empty = await storingEmpty;
        var forDocker = Referrers.ArtifactManifest(MediaTypes.SpdxJson, document, docker, created);
        var forOci = Referrers.ArtifactManifest(MediaTypes.SpdxJson, document, oci, created);
        await Task.WhenAll(PutAsync(forDocker.Content, cancellation), PutAsync(forOci.Content, cancellation));
        try
        {
            // One referrers document per subject: the two never contend.
            await Task.WhenAll(
                Referrers.AddAsync(store, docker.Digest, forDocker, MediaTypes.SpdxJson, created, cancellation),
                Referrers.AddAsync(store, oci.Digest, forOci, MediaTypes.SpdxJson, created, cancellation));
        }
        catch (Exception e) when (e is IOException or DocumentConflictException or UnauthorizedAccessException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.StorageFailed, $"could not record the SBOM referrers: {e.Message}"));
        }
        return new ImageSbom(document, empty.Digest, forDocker, forOci);
    }

    private async Task<NixBuild> RunNixAsync(ImageRequest request, string gcRoot, CancellationToken cancellation)
    {
        metrics.NixBuildStarted();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var build = await nix.BuildAsync(request, gcRoot, cancellation);
            metrics.NixBuildFinished(Stopwatch.GetElapsedTime(started), null);
            return build;
        }
        catch (Exception e)
        {
            metrics.NixBuildFinished(Stopwatch.GetElapsedTime(started), (e as BuildFailedException)?.Error.Kind ?? BuildErrorKind.Internal);
            throw;
        }
    }

    /// <summary>The directory of GC roots that keeps this image's closure in the store.</summary>
    public string GcRoot(string imageKey) => Path.Combine(nixOptions.Value.GcRootsPath, imageKey);

    private static List<string> Environment(CustomisationLayer layer)
    {
        // Runtimes supply a PATH when the image has none, but not all the same
        // one; the farm's directories come first so the image's tools win.
        var env = new List<string> { "PATH=/bin:/usr/bin:/sbin:/usr/sbin" };
        if (layer.Has(CaBundle)) env.Add($"SSL_CERT_FILE=/{CaBundle}");
        return env;
    }

    /// <summary>A shell when the image has one, so `docker run -it image` is useful; else none.</summary>
    private static List<string>? Command(CustomisationLayer layer) =>
        layer.Has("bin/bash") ? ["bash"] : layer.Has("bin/sh") ? ["sh"] : null;

    private async Task<BlobReference> PutAsync(byte[] content, CancellationToken cancellation)
    {
        var digest = Digest.Sha256(content);
        try
        {
            return await store.PutAsync((stream, token) => stream.WriteAsync(content, token).AsTask(), digest, cancellation);
        }
        catch (Exception e) when (e is IOException or BlobDigestMismatchException or UnauthorizedAccessException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.StorageFailed, $"could not store blob {digest}: {e.Message}"));
        }
    }
}

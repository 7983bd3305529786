using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Collection;
using Nixery.Images;
using Nixery.Layering;
using Nixery.Metrics;
using Nixery.Nix;
using Nixery.Storage;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Coordinates one image. The grain is reentrant so that every caller, and
/// every status query, runs while a build is under way: the first caller
/// starts the build, later ones join it, and all receive its outcome. The
/// build is detached from callers: one that disconnects stops only its own
/// wait. A failure is returned as it is during a short back-off, then the
/// next request builds again.
///
/// An image served warm is answered from the frontends' manifest caches,
/// which ask its grain only every <c>ManifestCache.MaxLifetime</c> (ten
/// minutes) to record the pull: kept active for Orleans' default fifteen
/// minutes, the grain of every image pulled would stay in memory with its
/// record, for as long as it is pulled. An idle grain is deactivated after
/// two minutes instead, and a build keeps its grain active
/// (<see cref="Grain.DelayDeactivation"/>) for as long as it may run.
/// </summary>
[Reentrant, CollectionAgeLimit(Minutes = 2)]
public sealed class ImageGrain(
    [PersistentState("image", StorageNames.Registry)] IPersistentState<ImageRecord> record,
    ImageBuilder builder,
    LayerPublisher publisher,
    IBlobStore store,
    ImageIndex index,
    BlobLeases leases,
    IOptions<NixOptions> nixOptions,
    IOptions<BuildPolicy> policy,
    TimeProvider clock,
    RegistryMetrics metrics,
    ILogger<ImageGrain> logger) : Grain, IImageGrain
{
    /// <summary>A malformed key fails the activation, before any method touches storage or the file system.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainKeyGuard.Require(this.GetPrimaryKeyString());
        return base.OnActivateAsync(cancellationToken);
    }

    private static readonly TimeSpan IndexReportWait = TimeSpan.FromSeconds(5);

    private readonly SharedBuild<ImageResult> _build = new();
    private readonly FailureBackoff _failure = new(policy.Value.FailureBackoff, clock);
    private bool _blobsVerified;
    private int _builds;
    private readonly StateWrites _writes = new();
    private DateTimeOffset? _buildStarted;
    private ImageRequest? _building;

    public async Task<ImageResult?> Await(ImageRequest request, TimeSpan maxWait, CancellationToken cancellation)
    {
        if (GrainKeyGuard.Mismatch(request.Key(), this.GetPrimaryKeyString(), "request") is { } foreign) return ImageResult.Failure(foreign);

        if (record.State.Image is { } image && await BlobsPresentAsync(image))
        {
            metrics.ManifestCache(hit: true);
            if (PullTimes.IsStale(record.State.LastPulled, clock.GetUtcNow())) await TouchAsync(request, image);
            return ImageResult.Success(image);
        }
        if (_failure.Active is { } failure) return ImageResult.Failure(failure);

        return await _build.JoinAsync(() => BuildAsync(request), maxWait, cancellation, () => metrics.ManifestCache(hit: false));
    }

    public async Task<ImageResult?> Repair(Digest missing, TimeSpan maxWait, CancellationToken cancellation)
    {
        if (record.State is not { Image: { } image, Request: { } request } || !image.Blobs().Contains(missing))
            return ImageResult.Failure(BuildError.Of(BuildErrorKind.Internal, $"image {this.GetPrimaryKeyString()} has no blob {missing}"));
        if (!_build.IsRunning && await store.SizeAsync(missing, CancellationToken.None) is not null) return ImageResult.Success(image);
        _blobsVerified = false;
        return await _build.JoinAsync(() => RepairAsync(request, image, missing), maxWait, cancellation);
    }

    /// <summary>
    /// A store-path layer is packed again through its layer grain, without
    /// Nix, when a silo still has its paths; anything else (the
    /// customisation layer, the config, a manifest, paths no silo has) is
    /// rebuilt as a build would, realising the closure again.
    /// </summary>
    private async Task<ImageResult> RepairAsync(ImageRequest request, BuiltImage image, Digest missing)
    {
        if (record.State.Layers?.FirstOrDefault(l => l.Digest == missing && l.Paths.Count > 0) is { } layer)
        {
            try
            {
                var group = new Layering.LayerGroup(layer.Paths.Select(p => p.Path).ToArray());
                var packed = await new ClusterLayerSource(GrainFactory, publisher).GetAsync(group, CancellationToken.None);
                if (packed.Digest == missing && await store.FirstMissingAsync(image.Blobs(), CancellationToken.None) is null)
                {
                    logger.LogWarning("image {ImageKey}: lost blob {Digest} packed again", this.GetPrimaryKeyString(), missing);
                    _blobsVerified = true;
                    return ImageResult.Success(image);
                }
            }
            catch (Exception e) when (e is BuildFailedException or StorePathMissingException)
            {
                logger.LogInformation("image {ImageKey}: lost blob {Digest} cannot be packed from the store ({Reason}); building the image again",
                    this.GetPrimaryKeyString(), missing, e.Message);
            }
        }
        else
        {
            logger.LogWarning("image {ImageKey}: lost blob {Digest}; building the image again", this.GetPrimaryKeyString(), missing);
        }
        return await BuildAsync(request);
    }

    public async Task<bool> Expire(DateTimeOffset unusedBefore)
    {
        if (_build.IsRunning) return false;
        if (record.State.Image is not null && record.State.LastPulled >= unusedBefore) return false;
        var lastPulled = record.State.LastPulled;
        await _writes.RunAsync(async () =>
        {
            if (record.RecordExists) await record.ClearStateAsync();
            record.State = new ImageRecord();
        });
        _blobsVerified = false;
        _failure.Clear();
        await index.DeleteAsync(this.GetPrimaryKeyString(), CancellationToken.None);
        GcRoots.Release(nixOptions.Value.GcRootsPath, this.GetPrimaryKeyString());
        logger.LogInformation("image {ImageKey} expired: unused since {LastPulled}", this.GetPrimaryKeyString(), lastPulled);
        return true;
    }

    public Task<ImageStatus> Status() =>
        Task.FromResult(new ImageStatus(CurrentState(), record.State.Image, _failure.Last, _builds));

    private ImageState CurrentState() =>
        _build.IsRunning ? ImageState.Building
        : record.State.Image is not null ? ImageState.Built
        : _failure.Last is not null ? ImageState.Failed
        : ImageState.Unknown;

    public Task<ImageDetails> Details()
    {
        var state = CurrentState();
        return Task.FromResult(new ImageDetails(state, record.State.Request ?? _building, record.State.Image,
            record.State.Layers ?? [], _failure.Last, state == ImageState.Building ? _buildStarted : null));
    }

    /// <summary>For operators' list of recent builds; one-way, so a slow history never slows a build.</summary>
    private void Report(ImageRequest request, TimeSpan duration, BuiltImage? image, BuildError? error) =>
        GrainFactory.GetGrain<IBuildHistoryGrain>(0).Record(new BuildOutcome(
            request.Key(), request.Packages, request.Platform.Architecture, $"{request.Source.Kind}:{request.Source.Id}",
            clock.GetUtcNow(), duration, image?.Docker.Digest, image?.Layers.Sum(l => l.Size) ?? 0, error)).Ignore();

    private async Task<ImageResult> BuildAsync(ImageRequest request)
    {
        var timeout = nixOptions.Value.BuildTimeout;
        using var limit = new CancellationTokenSource(timeout);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ImageKey"] = request.Key() });
        var started = clock.GetTimestamp();
        _buildStarted = clock.GetUtcNow();
        DelayDeactivation(timeout);
        _builds++;
        _building = request;
        try
        {
            if (await KnownMissingAsync(request) is { Count: > 0 } missing) throw new BuildFailedException(BuildError.PackagesMissing(missing));
            // Released once the index entry references the blobs; a crash leaves it to expire.
            await using var lease = leases.Open(timeout);
            var build = await builder.BuildAsync(request, new ClusterLayerSource(GrainFactory, publisher), lease, limit.Token);
            var image = build.Image;
            record.State.Layers = build.Layers;
            var recording = System.Diagnostics.Stopwatch.GetTimestamp();
            await RecordAsync(request, image);
            metrics.Stage("record", recording);
            _failure.Clear();
            _blobsVerified = true;
            metrics.ImageBuilt(clock.GetElapsedTime(started), succeeded: true);
            Report(request, clock.GetElapsedTime(started), image, null);
            logger.LogInformation("image {ImageKey} built: {Digest}", request.Key(), image.Docker.Digest);
            return ImageResult.Success(image);
        }
        catch (Exception e)
        {
            var error = e switch
            {
                BuildFailedException failed => failed.Error,
                OperationCanceledException when limit.IsCancellationRequested =>
                    BuildError.Of(BuildErrorKind.TimedOut, $"the image was not built within {timeout.TotalSeconds:0} s"),
                // From this silo's store or, through a layer grain, another's: the service failed, not the image.
                _ when BlobStoreException.Within(e) is { } storage => BuildError.Of(BuildErrorKind.StorageFailed, $"storage failed: {storage.Message}"),
                _ => BuildError.Internal("internal error while building the image", e),
            };
            if (error.Kind == BuildErrorKind.Internal) logger.LogError(e, "image {ImageKey} failed", request.Key());
            else logger.LogWarning("image {ImageKey} failed: {Message}", request.Key(), error.Message);
            _failure.Failed(error);
            metrics.ImageBuilt(clock.GetElapsedTime(started), succeeded: false);
            Report(request, clock.GetElapsedTime(started), null, error);
            return ImageResult.Failure(error);
        }
    }

    /// <summary>
    /// Names the revision's catalogue does not have, refused without running
    /// Nix; empty while the catalogue is unknown (it is then computed in the
    /// background) or unreachable, and Nix decides.
    /// </summary>
    private async Task<IReadOnlyList<string>> KnownMissingAsync(ImageRequest request)
    {
        try
        {
            var catalogue = GrainFactory.GetGrain<ICatalogueGrain>(CatalogueKey.Of(request.Source, request.Platform.NixSystem));
            return await catalogue.Missing(request.Source, request.Platform.NixSystem, request.Packages) ?? [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "the catalogue could not be asked about {ImageKey}", request.Key());
            return [];
        }
    }

    /// <summary>
    /// The index entry first: once it exists garbage collection keeps the
    /// image's blobs, so a crash before the state write costs a rebuild,
    /// never an image whose blobs were collected.
    /// </summary>
    private Task RecordAsync(ImageRequest request, BuiltImage image) => _writes.RunAsync(() => WriteAsync(request, image));

    /// <summary>Concurrent pulls that all find the pull time stale write it once; an image expired meanwhile stays expired.</summary>
    private Task TouchAsync(ImageRequest request, BuiltImage image) => _writes.RunAsync(async () =>
    {
        if (record.State.Image == image && PullTimes.IsStale(record.State.LastPulled, clock.GetUtcNow())) await WriteAsync(request, image);
    });

    private async Task WriteAsync(ImageRequest request, BuiltImage image)
    {
        var now = clock.GetUtcNow();
        await index.WriteAsync(new ImageIndexEntry(request.Key(), image.Blobs().Select(b => b.ToString()).ToArray(), image.BuiltAt, now), CancellationToken.None);
        // The index grain needs only the entry, already stored: told while the state is written.
        var reporting = ReportToIndexAsync(image);
        record.State = new ImageRecord { Request = request, Image = image, LastPulled = now, Layers = record.State.Layers };
        await record.WriteStateAsync();
        await reporting;
    }

    /// <summary>
    /// So that a blob of this image lost from now on is repaired, whenever the
    /// index grain last listed the index. Best effort, and never for longer
    /// than <see cref="IndexReportWait"/>: the entry is in storage, where the
    /// next listing finds it, and a build must not wait on a silo that died.
    /// </summary>
    private async Task ReportToIndexAsync(BuiltImage image)
    {
        try
        {
            await GrainFactory.GetGrain<IImageIndexGrain>(0).Recorded(this.GetPrimaryKeyString(), image.Blobs().ToArray()).WaitAsync(IndexReportWait);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "the image index grain was not told about {ImageKey}; it finds it at its next listing", this.GetPrimaryKeyString());
        }
    }

    /// <summary>Checked once per activation, then trusted until the image expires (see <see cref="StoredBlobs"/>).</summary>
    private async Task<bool> BlobsPresentAsync(BuiltImage image)
    {
        if (_blobsVerified) return true;
        if (await store.FirstMissingAsync(image.Blobs(), CancellationToken.None) is { } missing)
        {
            logger.LogWarning("image {ImageKey} lost blob {Digest}; building it again", this.GetPrimaryKeyString(), missing);
            return false;
        }
        return _blobsVerified = true;
    }
}

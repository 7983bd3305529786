using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Collection;
using Nixery.Nix;

namespace Nixery;

/// <summary>
/// Coordinates a garbage collection: images unused since the cut-off are
/// expired through their own grains (so no grain keeps serving a manifest
/// whose blobs are going), then blobs no remaining image references are
/// swept, and this silo's Nix GC roots of images no longer kept are released.
/// Not reentrant: collections run one at a time.
/// </summary>
public sealed class GarbageCollectorGrain(
    [PersistentState("collector", StorageNames.Registry)] IPersistentState<CollectionSchedule> schedule,
    ImageIndex index,
    BlobSweeper sweeper,
    IOptions<NixOptions> nixOptions,
    IOptions<CollectionOptions> options,
    TimeProvider clock,
    ILogger<GarbageCollectorGrain> logger) : Grain, IGarbageCollectorGrain
{
    public async Task<CollectionReport?> CollectIfDue()
    {
        var interval = options.Value.Interval;
        var now = clock.GetUtcNow();
        if (interval <= TimeSpan.Zero) return null;
        // The first silo to ask starts the schedule; the first collection follows one interval later.
        if (schedule.State.LastStarted is not { } last || now - last >= interval)
        {
            var first = schedule.State.LastStarted is null;
            schedule.State.LastStarted = now;
            await schedule.WriteStateAsync();
            if (!first) return await Collect(new CollectionRequest(now - options.Value.Retention, options.Value.Grace, DryRun: false));
        }
        return null;
    }

    public async Task<CollectionReport> Collect(CollectionRequest request)
    {
        var cancellation = CancellationToken.None;
        var expired = 0;
        await foreach (var entry in index.ListAsync(cancellation))
        {
            if (entry.LastPulled >= request.UnusedBefore) continue;
            if (request.DryRun || await GrainFactory.GetGrain<IImageGrain>(entry.Key).Expire(request.UnusedBefore)) expired++;
        }

        var kept = new List<ImageIndexEntry>();
        async Task<IReadOnlySet<Digest>> ReferencedAsync(CancellationToken token)
        {
            kept.Clear();
            await foreach (var entry in index.ListAsync(token))
            {
                if (!request.DryRun || entry.LastPulled >= request.UnusedBefore) kept.Add(entry);
            }
            return kept.SelectMany(e => e.Blobs).Select(Digest.Parse).ToHashSet();
        }
        var now = clock.GetUtcNow();
        var swept = request.DryRun
            ? await sweeper.SweepAsync(ReferencedAsync, now, request.Grace, dryRun: true, cancellation)
            : await SweepClosedToCachesAsync(() => sweeper.SweepAsync(ReferencedAsync, now, request.Grace, dryRun: false, cancellation));
        var roots = request.DryRun ? 0 : GcRoots.ReleaseUnkept(nixOptions.Value.GcRootsPath, kept.Select(e => e.Key).ToHashSet(), now, request.Grace);

        var report = new CollectionReport(kept.Count, expired, swept.Kept, swept.Marked, swept.Deleted, swept.BytesDeleted, roots, request.DryRun);
        logger.LogInformation("garbage collection: {Report}", report);
        return report;
    }

    /// <summary>
    /// Frontends cache manifests and tags; before the first blob goes, every
    /// cache has stopped serving what it holds (see <see cref="ICacheEpochGrain"/>),
    /// and what they cache afterwards is read after the deletions.
    /// </summary>
    private async Task<T> SweepClosedToCachesAsync<T>(Func<Task<T>> sweep)
    {
        var epoch = GrainFactory.GetGrain<ICacheEpochGrain>(0);
        await epoch.BeginSweep();
        try
        {
            await Task.Delay(ICacheEpochGrain.Validity + TimeSpan.FromSeconds(1));
            return await sweep();
        }
        finally
        {
            await epoch.EndSweep();
        }
    }
}

/// <summary>When the scheduled collection last started (written before it runs, so one that crashes is not retried at once).</summary>
[GenerateSerializer, Alias("nixery.CollectionSchedule")]
public sealed class CollectionSchedule
{
    [Id(0)] public DateTimeOffset? LastStarted { get; set; }
}

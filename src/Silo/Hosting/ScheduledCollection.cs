using Microsoft.Extensions.Options;
using Nixery.Collection;

namespace Nixery.Silo.Hosting;

/// <summary>
/// Runs a garbage collection every <c>NIXERY_GC_INTERVAL</c> hours when set.
/// Every silo asks; the collector grain runs one collection at a time, so a
/// cluster collects about once per interval, and each collection releases
/// the Nix GC roots on the silo that runs it.
/// </summary>
public sealed class ScheduledCollection(IGrainFactory grains, IOptions<CollectionOptions> options, TimeProvider clock, ILogger<ScheduledCollection> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try
            {
                var request = new CollectionRequest(clock.GetUtcNow() - options.Value.Retention, options.Value.Grace, DryRun: false);
                await grains.GetGrain<IGarbageCollectorGrain>(0).Collect(request);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "scheduled garbage collection failed");
            }
        }
    }
}

using Microsoft.Extensions.Options;
using Nixery.Collection;

namespace Nixery.Silo.Hosting;

/// <summary>
/// Asks the collector grain, now and then, for the collection scheduled every
/// <c>NIXERY_GC_INTERVAL</c> hours. Every silo asks, so the schedule goes on
/// whichever silos are up; the grain (one activation in the cluster, its last
/// collection in grain state) runs one collection per interval, on its silo,
/// and a restart neither skips nor repeats one. Orleans reminders would need
/// a reminder service per membership provider; asking every few minutes
/// costs one grain call and needs nothing more.
/// </summary>
public sealed class ScheduledCollection(IGrainFactory grains, IOptions<CollectionOptions> options, TimeProvider clock, ILogger<ScheduledCollection> logger)
    : BackgroundService
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(5);

    /// <summary>A quarter of the interval, at most <see cref="LongestWait"/>: a collection starts at most that late.</summary>
    public static TimeSpan CheckPeriod(TimeSpan interval) =>
        TimeSpan.FromTicks(Math.Clamp(interval.Ticks / 4, TimeSpan.TicksPerSecond, LongestWait.Ticks));

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(CheckPeriod(interval), clock);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try
            {
                if (await grains.GetGrain<IGarbageCollectorGrain>(0).CollectIfDue() is { } report)
                    logger.LogInformation("scheduled garbage collection: {Report}", report);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "scheduled garbage collection failed");
            }
        }
    }
}

namespace Nixery;

/// <summary>
/// Holds the cache epoch in memory. A new activation (after idling, or after
/// its silo died) starts from the current time in ticks, which is beyond any
/// epoch an earlier activation handed out, so entries filled before can
/// never match again; a sweep open in a dead activation ends with it, as
/// does the collection that opened it.
/// </summary>
public sealed class CacheEpochGrain(TimeProvider clock) : Grain, ICacheEpochGrain
{
    private CacheEpoch _epoch = new(clock.GetUtcNow().UtcTicks, Sweeping: false);

    public Task<CacheEpoch> Current() => Task.FromResult(_epoch);

    public Task<CacheEpoch> BeginSweep() => Task.FromResult(_epoch = new CacheEpoch(_epoch.Number + 1, Sweeping: true));

    public Task<CacheEpoch> EndSweep() => Task.FromResult(_epoch = new CacheEpoch(_epoch.Number + 1, Sweeping: false));
}

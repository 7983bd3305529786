using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// The generation of everything the frontends cache about images (manifests
/// by digest, tags resolved to images), one for the whole cluster (key 0).
/// Garbage collection opens a sweep before it deletes any blob and closes it
/// afterwards, each time moving to a new epoch. A cache serves an entry only
/// while it has confirmed, within <see cref="Validity"/>, that the epoch is
/// the one the entry was filled in and that no sweep is open; collection
/// waits longer than that between opening a sweep and its first deletion.
/// So no cache ever serves a manifest whose blobs a collection has deleted.
/// </summary>
[Alias("nixery.ICacheEpochGrain")]
public interface ICacheEpochGrain : IGrainWithIntegerKey
{
    /// <summary>How long a confirmation of the epoch may be relied on, measured from when it was asked for.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromSeconds(3);

    /// <summary>How often a busy cache asks again, well within <see cref="Validity"/>.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    [Alias("Current"), AlwaysInterleave]
    Task<CacheEpoch> Current();

    /// <summary>Opens a sweep: caches stop serving what they hold; returns the new epoch.</summary>
    [Alias("BeginSweep")]
    Task<CacheEpoch> BeginSweep();

    /// <summary>Closes the sweep: caches fill again from what storage holds now.</summary>
    [Alias("EndSweep")]
    Task<CacheEpoch> EndSweep();
}

[GenerateSerializer, Immutable, Alias("nixery.CacheEpoch")]
public sealed record CacheEpoch(
    [property: Id(0)] long Number,
    [property: Id(1)] bool Sweeping);

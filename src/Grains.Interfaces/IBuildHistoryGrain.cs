using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// The cluster's recent builds and failures, newest first, for operators.
/// One activation (key 0) for the cluster; image grains report every
/// finished build to it.
/// </summary>
[Alias("nixery.IBuildHistoryGrain")]
public interface IBuildHistoryGrain : IGrainWithIntegerKey
{
    [Alias("Record"), OneWay]
    Task Record(BuildOutcome outcome);

    [Alias("Recent")]
    Task<IReadOnlyList<BuildOutcome>> Recent(int limit);
}

/// <summary>One finished build: what was asked, when, for how long, and the image or the error.</summary>
[GenerateSerializer, Immutable, Alias("nixery.BuildOutcome")]
public sealed record BuildOutcome(
    [property: Id(0)] string ImageKey,
    [property: Id(1)] IReadOnlyList<string> Packages,
    [property: Id(2)] string Architecture,
    [property: Id(3)] string Revision,
    [property: Id(4)] DateTimeOffset Finished,
    [property: Id(5)] TimeSpan Duration,
    [property: Id(6)] Digest? Manifest,
    [property: Id(7)] long CompressedSize,
    [property: Id(8)] BuildError? Error);

namespace Nixery;

/// <summary>
/// Removes what no cached image needs any more, one collection at a time for
/// the whole cluster (a single activation, key 0).
/// </summary>
[Alias("nixery.IGarbageCollectorGrain")]
public interface IGarbageCollectorGrain : IGrainWithIntegerKey
{
    [Alias("Collect"), ResponseTimeout("01:00:00")]
    Task<CollectionReport> Collect(CollectionRequest request);

    /// <summary>
    /// Runs the scheduled collection if its interval has passed since the
    /// last one (remembered in grain state, so across restarts); null when
    /// none was due. Every silo asks now and then: one collection per
    /// interval for the whole cluster, whichever silos are up.
    /// </summary>
    [Alias("CollectIfDue"), ResponseTimeout("01:00:00")]
    Task<CollectionReport?> CollectIfDue();
}

/// <param name="UnusedBefore">Images last pulled before this are expired.</param>
/// <param name="Grace">
/// How long a blob must have been unreferenced, seen by two collections,
/// before it is deleted: longer than any build, so the blobs of a build
/// under way (not yet in any image) are never taken.
/// </param>
[GenerateSerializer, Immutable, Alias("nixery.CollectionRequest")]
public sealed record CollectionRequest(
    [property: Id(0)] DateTimeOffset UnusedBefore,
    [property: Id(1)] TimeSpan Grace,
    [property: Id(2)] bool DryRun);

[GenerateSerializer, Immutable, Alias("nixery.CollectionReport")]
public sealed record CollectionReport(
    [property: Id(0)] int ImagesKept,
    [property: Id(1)] int ImagesExpired,
    [property: Id(2)] int BlobsKept,
    [property: Id(3)] int BlobsMarked,
    [property: Id(4)] int BlobsDeleted,
    [property: Id(5)] long BytesDeleted,
    [property: Id(6)] int RootsReleased,
    [property: Id(7)] bool DryRun)
{
    public override string ToString() =>
        $"{(DryRun ? "dry run: " : "")}images: {ImagesKept} kept, {ImagesExpired} expired; " +
        $"blobs: {BlobsKept} referenced, {BlobsMarked} unreferenced and waiting out the grace period, {BlobsDeleted} deleted ({BytesDeleted} bytes); " +
        $"Nix GC roots released: {RootsReleased}";
}

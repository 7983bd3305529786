namespace Nixery;

/// <summary>
/// Owns one image, keyed by <see cref="ImageRequest.Key"/>: builds it once per
/// cluster, lets every concurrent caller join that build, and keeps the result.
/// </summary>
[Alias("nixery.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the image, starting or joining its build, or null if the build
    /// is still running after <paramref name="maxWait"/>: callers poll (see
    /// <c>GrainPolling</c> in the grains project), so no call outlives a silo that dies
    /// mid-build and none meets the response timeout. Cancelling only stops
    /// this caller's wait: the build goes on for whoever else wants the image.
    /// </summary>
    [Alias("Await"), ResponseTimeout("00:00:15")]
    Task<ImageResult?> Await(ImageRequest request, TimeSpan maxWait, CancellationToken cancellation = default);

    /// <summary>
    /// Forgets the image if it was last pulled before <paramref name="unusedBefore"/>
    /// and is not being built: its state, its index entry and its Nix GC root
    /// on this silo. Its blobs are then unreferenced, unless other images share them.
    /// </summary>
    [Alias("Expire")]
    Task<bool> Expire(DateTimeOffset unusedBefore);

    /// <summary>
    /// Stores again a blob of this image that storage has lost (an operator,
    /// a restore, a bug): a layer is packed again from its store paths (the
    /// same bytes, so the same digest), or else the image is built again.
    /// Returns the image once the blob is back, a failure if the image does
    /// not name <paramref name="missing"/>, or null while the repair is still
    /// running after <paramref name="maxWait"/> (callers poll, as for <see cref="Await"/>).
    /// </summary>
    [Alias("Repair"), ResponseTimeout("00:00:15")]
    Task<ImageResult?> Repair(Digest missing, TimeSpan maxWait, CancellationToken cancellation = default);

    /// <summary>What the grain knows now, without waiting for a build.</summary>
    [Alias("Status")]
    Task<ImageStatus> Status();

    /// <summary>What the image's web page shows, without waiting for a build.</summary>
    [Alias("Details")]
    Task<ImageDetails> Details();
}

[GenerateSerializer, Alias("nixery.ImageState")]
public enum ImageState
{
    Unknown = 0,
    Building = 1,
    Built = 2,
    Failed = 3,
}

[GenerateSerializer, Immutable, Alias("nixery.ImageStatus")]
public sealed record ImageStatus(
    [property: Id(0)] ImageState State,
    [property: Id(1)] BuiltImage? Image,
    [property: Id(2)] BuildError? Error,
    [property: Id(3)] int Builds);

namespace Nixery;

/// <summary>
/// Owns one image, keyed by <see cref="ImageRequest.Key"/>: builds it once per
/// cluster, lets every concurrent caller join that build, and keeps the result.
/// </summary>
[Alias("nixery.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the image, building it first if needed. Cancelling only stops
    /// this caller's wait: the build goes on for whoever else wants it.
    /// </summary>
    [Alias("Get"), ResponseTimeout("02:00:00")]
    Task<ImageResult> Get(ImageRequest request, CancellationToken cancellation = default);

    /// <summary>What the grain knows now, without waiting for a build.</summary>
    [Alias("Status")]
    Task<ImageStatus> Status();
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

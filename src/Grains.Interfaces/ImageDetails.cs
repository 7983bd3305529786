namespace Nixery;

/// <summary>A store path in a layer and its size in the store (its NAR size, about what it adds to the tar).</summary>
[GenerateSerializer, Immutable, Alias("nixery.StorePathSize")]
public sealed record StorePathSize(
    [property: Id(0)] string Path,
    [property: Id(1)] long Size);

/// <summary>What one layer of an image holds: its blob and its store paths (none for the customisation layer).</summary>
[GenerateSerializer, Immutable, Alias("nixery.LayerContents")]
public sealed record LayerContents(
    [property: Id(0)] Digest Digest,
    [property: Id(1)] IReadOnlyList<StorePathSize> Paths);

/// <summary>
/// Everything the image's web page shows: the request, the build's state,
/// the image and what each layer holds, or the error. Metadata only.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.ImageDetails")]
public sealed record ImageDetails(
    [property: Id(0)] ImageState State,
    [property: Id(1)] ImageRequest? Request,
    [property: Id(2)] BuiltImage? Image,
    [property: Id(3)] IReadOnlyList<LayerContents> Layers,
    [property: Id(4)] BuildError? Error,
    [property: Id(5)] DateTimeOffset? BuildStarted);

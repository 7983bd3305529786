namespace Nixery;

[GenerateSerializer, Alias("nixery.BuildErrorKind")]
public enum BuildErrorKind
{
    /// <summary>Some requested names are not packages of the source.</summary>
    PackagesNotFound = 0,
    /// <summary>Evaluation or a builder failed.</summary>
    BuildFailed = 1,
    /// <summary>The whole build exceeded its time limit.</summary>
    TimedOut = 2,
    /// <summary>The package source could not be fetched.</summary>
    SourceUnavailable = 3,
    /// <summary>Writing to the storage backend failed.</summary>
    StorageFailed = 4,
    /// <summary>A fault of the registry itself.</summary>
    Internal = 5,
    /// <summary>The tag names no revision of the package source.</summary>
    UnknownRevision = 6,
    /// <summary>More builds wait than the registry queues (NIXERY_MAX_QUEUED_BUILDS): try again later.</summary>
    Busy = 7,
    /// <summary>The image asks for more than the registry builds (NIXERY_MAX_PACKAGES, NIXERY_MAX_IMAGE_SIZE).</summary>
    TooLarge = 8,
}

/// <summary>Why an image could not be built, in words meant for the person who pulled it.</summary>
[GenerateSerializer, Immutable, Alias("nixery.BuildError")]
public sealed record BuildError(
    [property: Id(0)] BuildErrorKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyList<string> MissingPackages)
{
    public static BuildError Of(BuildErrorKind kind, string message) => new(kind, message, []);

    /// <summary>A fault of the registry, told in the first line of its exception (<see cref="ExceptionText"/>).</summary>
    public static BuildError Internal(string doing, Exception e) =>
        Of(BuildErrorKind.Internal, $"{doing}: {ExceptionText.FirstLine(e)}");

    /// <summary>Names that are not packages of the source, all of them in one message.</summary>
    public static BuildError PackagesMissing(IReadOnlyList<string> missing) =>
        new(BuildErrorKind.PackagesNotFound, $"Could not find Nix packages: {string.Join(", ", missing)}", missing);
}

/// <summary>The outcome of a build: an image or an error, never both.</summary>
[GenerateSerializer, Immutable, Alias("nixery.ImageResult")]
public sealed record ImageResult(
    [property: Id(0)] BuiltImage? Image,
    [property: Id(1)] BuildError? Error)
{
    public static ImageResult Success(BuiltImage image) => new(image, null);
    public static ImageResult Failure(BuildError error) => new(null, error);
}

namespace Nixery;

/// <summary>
/// Turns an image tag into an exact revision of the package set. It runs on
/// whichever silo receives the call, where Nix and git are at hand.
/// </summary>
[Alias("nixery.ISourceGrain")]
public interface ISourceGrain : IGrainWithIntegerKey
{
    [Alias("Resolve"), ResponseTimeout("00:10:00")]
    Task<SourceResolution> Resolve(string tag);

    /// <summary>The tags this source can serve, sorted.</summary>
    [Alias("Tags"), ResponseTimeout("00:10:00")]
    Task<IReadOnlyList<string>> Tags();
}

[GenerateSerializer, Immutable, Alias("nixery.SourceResolution")]
public sealed record SourceResolution(
    [property: Id(0)] SourceRevision? Revision,
    [property: Id(1)] BuildError? Error);

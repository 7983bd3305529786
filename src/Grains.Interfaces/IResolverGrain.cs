namespace Nixery;

/// <summary>
/// Turns a pull (repository name and tag) into a normalised
/// <see cref="ImageRequest"/>: packages from the name, an exact revision of
/// the package set from the tag. It runs on whichever silo receives the call,
/// where Nix, git and the configuration are at hand, so frontends need none.
/// </summary>
[Alias("nixery.IResolverGrain")]
public interface IResolverGrain : IGrainWithIntegerKey
{
    [Alias("Resolve"), ResponseTimeout("00:15:00")]
    Task<ResolvedImage> Resolve(string repository, string tag);

    /// <summary>The tags the package source can serve, sorted.</summary>
    [Alias("Tags"), ResponseTimeout("00:15:00")]
    Task<IReadOnlyList<string>> Tags();
}

/// <param name="Lifetime">How long the resolution may be reused: for ever for a pinned commit, the source's refresh interval otherwise.</param>
[GenerateSerializer, Immutable, Alias("nixery.ResolvedImage")]
public sealed record ResolvedImage(
    [property: Id(0)] ImageRequest? Request,
    [property: Id(1)] BuildError? Error,
    [property: Id(2)] TimeSpan Lifetime = default);

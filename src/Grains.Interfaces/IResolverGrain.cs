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

    /// <summary>
    /// Gets this silo ready for a first pull of <paramref name="tag"/>, at start-up: the tag
    /// resolved and its revision in the store, the builder's host settings decided and the
    /// revision's catalogue loaded, so that pull pays for none of it. Nothing is built. A
    /// source that fails is not an error here: its error is returned.
    /// </summary>
    [Alias("Prepare"), ResponseTimeout("00:30:00")]
    Task<BuildError?> Prepare(string tag);

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

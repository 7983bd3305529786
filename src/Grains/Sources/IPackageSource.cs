namespace Nixery.Sources;

/// <summary>A package set the registry can build from, and how image tags select its revisions.</summary>
public interface IPackageSource
{
    /// <summary>The exact revision a tag names; throws <see cref="BuildFailedException"/> for an unknown tag or an unreachable source.</summary>
    Task<SourceRevision> ResolveAsync(string tag, CancellationToken cancellation);

    /// <summary>
    /// Imports <paramref name="revision"/> (resolved here or on another silo)
    /// into this silo's store again, from where it came; returns the revision
    /// as imported here, whose store path differs if the content did.
    /// </summary>
    Task<SourceRevision> RestoreAsync(SourceRevision revision, CancellationToken cancellation);

    /// <summary>
    /// How long a resolution of <paramref name="tag"/> may be reused before the
    /// source is asked again: forever for a pinned commit, the refresh
    /// interval (<c>NIXERY_SOURCE_REFRESH</c>) for anything that can move.
    /// </summary>
    TimeSpan LifetimeOf(string tag);

    /// <summary>The tags this source serves, sorted.</summary>
    Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation);
}

namespace Nixery;

/// <summary>
/// One exact revision of the package set. <see cref="Id"/> pins the content
/// (a commit, or a content hash of a path or tarball) and is part of every
/// image key; <see cref="NixSource"/> is the JSON the selector expression
/// reads to import that revision. <see cref="Origin"/> is what the source
/// fetches to make the revision again on a silo whose store lacks it (a
/// channel's name; null when <see cref="Id"/> or the configuration says it).
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.SourceRevision")]
public sealed record SourceRevision(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string NixSource,
    [property: Id(3)] string? Origin = null);

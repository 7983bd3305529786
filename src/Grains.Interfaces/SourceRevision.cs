namespace Nixery;

/// <summary>
/// One exact revision of the package set. <see cref="Id"/> pins the content
/// (a commit, or a content hash of a path or tarball) and is part of every
/// image key; <see cref="NixSource"/> is the JSON the selector expression
/// reads to import that revision.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.SourceRevision")]
public sealed record SourceRevision(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string NixSource);

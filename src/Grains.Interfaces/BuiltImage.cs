namespace Nixery;

/// <summary>A manifest as served: its exact bytes, their digest and media type.</summary>
[GenerateSerializer, Immutable, Alias("nixery.ManifestDocument")]
public sealed record ManifestDocument(
    [property: Id(0)] string MediaType,
    [property: Id(1)] Digest Digest,
    [property: Id(2)] byte[] Content);

/// <summary>
/// A blob named by its digest and size, as a descriptor refers to it and as
/// storage reports what it received: the one record for "digest and size".
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.BlobReference")]
public sealed record BlobReference(
    [property: Id(0)] Digest Digest,
    [property: Id(1)] long Size);

/// <summary>A layer blob: the digest of its compressed bytes, the digest of its tar (diff_id) and its size.</summary>
[GenerateSerializer, Immutable, Alias("nixery.LayerDescriptor")]
public sealed record LayerDescriptor(
    [property: Id(0)] Digest Digest,
    [property: Id(1)] Digest DiffId,
    [property: Id(2)] long Size)
{
    /// <summary>The compressed blob alone, as storage knows it.</summary>
    public BlobReference Blob => new(Digest, Size);
}

/// <summary>
/// A finished image. The same image is offered as a Docker schema 2 and as an
/// OCI manifest; both name the same config and layer blobs. <see cref="Sbom"/>
/// is null only for images built before SBOMs existed.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.BuiltImage")]
public sealed record BuiltImage(
    [property: Id(0)] ManifestDocument Docker,
    [property: Id(1)] ManifestDocument Oci,
    [property: Id(2)] Digest Config,
    [property: Id(3)] IReadOnlyList<LayerDescriptor> Layers,
    [property: Id(4)] DateTimeOffset BuiltAt,
    [property: Id(5)] ImageSbom? Sbom = null)
{
    public IEnumerable<Digest> Blobs()
    {
        var blobs = Layers.Select(l => l.Digest).Append(Config).Append(Docker.Digest).Append(Oci.Digest);
        return Sbom is null ? blobs : blobs.Concat(Sbom.Blobs());
    }
}

/// <summary>
/// An image's SPDX SBOM: the document's blob (served at
/// <c>/v2/&lt;name&gt;/blobs/&lt;Document.Digest&gt;</c>), and the two artifact
/// manifests that make it a referrer of the image, one whose subject is the
/// Docker manifest and one whose subject is the OCI manifest (clients know
/// the image by whichever digest they pulled).
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.ImageSbom")]
public sealed record ImageSbom(
    [property: Id(0)] BlobReference Document,
    [property: Id(1)] Digest EmptyConfig,
    [property: Id(2)] ManifestDocument DockerReferrer,
    [property: Id(3)] ManifestDocument OciReferrer)
{
    public IEnumerable<Digest> Blobs() => [Document.Digest, EmptyConfig, DockerReferrer.Digest, OciReferrer.Digest];
}

namespace Nixery.Frontend;

/// <summary>
/// A manifest ready to send: its bytes and every header value computed once,
/// so that answering from the cache formats nothing per request.
/// </summary>
public sealed class PreparedManifest
{
    public PreparedManifest(ManifestDocument document)
    {
        Digest = document.Digest;
        DigestText = document.Digest.ToString();
        ETag = $"\"{DigestText}\"";
        MediaType = document.MediaType;
        Content = document.Content;
        Result = new ManifestResult(this);
    }

    public Digest Digest { get; }

    public string DigestText { get; }

    /// <summary>The digest, quoted: a strong validator, since the bytes behind a digest never change.</summary>
    public string ETag { get; }

    public string MediaType { get; }

    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>The response, shared by every request for this manifest.</summary>
    public ManifestResult Result { get; }
}

/// <summary>A built image's two manifests, prepared; which one a client gets depends on its Accept header.</summary>
public sealed record PreparedImage(PreparedManifest Docker, PreparedManifest Oci)
{
    public PreparedImage(BuiltImage image) : this(new PreparedManifest(image.Docker), new PreparedManifest(image.Oci))
    {
    }

    public PreparedManifest For(string mediaType) => ReferenceEquals(mediaType, Manifests.MediaTypes.OciManifest) || mediaType == Manifests.MediaTypes.OciManifest ? Oci : Docker;
}

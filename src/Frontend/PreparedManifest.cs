using System.Text.Json;

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

    /// <summary>The blobs the manifest names (config and layers) with their sizes; read when it is cached.</summary>
    public IEnumerable<(Digest Digest, long Size)> Blobs
    {
        get
        {
            var found = new List<(Digest, long)>();
            using var json = JsonDocument.Parse(Content);
            var root = json.RootElement;
            if (root.TryGetProperty("config", out var config)) Add(config);
            if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
                foreach (var layer in layers.EnumerateArray()) Add(layer);
            return found;

            void Add(JsonElement descriptor)
            {
                if (descriptor.ValueKind == JsonValueKind.Object
                    && descriptor.TryGetProperty("digest", out var digest) && Digest.TryParse(digest.GetString(), out var parsed)
                    && descriptor.TryGetProperty("size", out var size) && size.TryGetInt64(out var length) && length >= 0)
                    found.Add((parsed, length));
            }
        }
    }
}

/// <summary>A built image's two manifests, prepared; which one a client gets depends on its Accept header.</summary>
public sealed record PreparedImage(PreparedManifest Docker, PreparedManifest Oci)
{
    public PreparedImage(BuiltImage image) : this(new PreparedManifest(image.Docker), new PreparedManifest(image.Oci))
    {
    }

    public PreparedManifest For(string mediaType) => ReferenceEquals(mediaType, Manifests.MediaTypes.OciManifest) || mediaType == Manifests.MediaTypes.OciManifest ? Oci : Docker;
}

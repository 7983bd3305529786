using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nixery.Storage;

namespace Nixery.Manifests;

/// <summary>
/// Artifacts that refer to a manifest through their <c>subject</c> (OCI
/// image-spec 1.1), and the index the referrers API answers with
/// (distribution-spec 1.1, <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>).
/// The registry never accepts pushes, so the only referrers are those it
/// makes itself; each subject's descriptors are kept as one document,
/// <c>referrers/&lt;digest&gt;</c>, written after the blobs they name.
/// </summary>
public static class Referrers
{
    /// <summary>The empty JSON object that artifact manifests without a config name as config.</summary>
    public static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <summary>
    /// An image manifest that carries one blob as an artifact of
    /// <paramref name="artifactType"/> and refers to <paramref name="subject"/>.
    /// </summary>
    public static ManifestDocument ArtifactManifest(string artifactType, BlobReference blob, ManifestDocument subject, string created)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaTypes.OciManifest);
            json.WriteString("artifactType", artifactType);
            json.WriteStartObject("config");
            json.WriteString("mediaType", MediaTypes.OciEmpty);
            json.WriteString("digest", Digest.Sha256(EmptyConfig).ToString());
            json.WriteNumber("size", EmptyConfig.Length);
            json.WriteString("data", Convert.ToBase64String(EmptyConfig));
            json.WriteEndObject();
            json.WriteStartArray("layers");
            json.WriteStartObject();
            json.WriteString("mediaType", artifactType);
            json.WriteString("digest", blob.Digest.ToString());
            json.WriteNumber("size", blob.Size);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("subject");
            json.WriteString("mediaType", subject.MediaType);
            json.WriteString("digest", subject.Digest.ToString());
            json.WriteNumber("size", subject.Content.Length);
            json.WriteEndObject();
            json.WriteStartObject("annotations");
            json.WriteString("org.opencontainers.image.created", created);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        var content = buffer.ToArray();
        return new ManifestDocument(MediaTypes.OciManifest, Digest.Sha256(content), content);
    }

    public static string DocumentKey(Digest subject) => $"referrers/{subject.Algorithm}/{subject.Hex}";

    /// <summary>
    /// Records <paramref name="artifact"/> as a referrer of its subject. The
    /// same image always gives the same artifact, so a descriptor already
    /// there is left alone; others are added under the document's ETag.
    /// </summary>
    public static async Task AddAsync(IBlobStore store, Digest subject, ManifestDocument artifact, string artifactType, string created, CancellationToken cancellation)
    {
        var descriptor = new JsonObject
        {
            ["mediaType"] = artifact.MediaType,
            ["digest"] = artifact.Digest.ToString(),
            ["size"] = artifact.Content.Length,
            ["artifactType"] = artifactType,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.created"] = created },
        };
        var key = DocumentKey(subject);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.ReadDocumentAsync(key, cancellation);
            var list = current is null ? new JsonArray() : JsonNode.Parse(current.Content)!.AsArray();
            if (list.Any(d => d!["digest"]!.GetValue<string>() == artifact.Digest.ToString())) return;
            list.Add(descriptor);
            var sorted = new JsonArray(list.Select(d => d!.DeepClone()).OrderBy(d => d!["digest"]!.GetValue<string>(), StringComparer.Ordinal).ToArray());
            try
            {
                await store.WriteDocumentAsync(key, Encoding.UTF8.GetBytes(sorted.ToJsonString()), current?.ETag, cancellation);
                return;
            }
            catch (DocumentConflictException) when (attempt < 5)
            {
                // Another silo recorded a referrer of the same subject meanwhile: read again.
            }
        }
    }

    /// <summary>
    /// The image index listing the referrers of <paramref name="subject"/>,
    /// only those of <paramref name="artifactType"/> when it is given, and
    /// only those whose manifest is still stored (garbage collection may
    /// have taken an image and its artifacts). Unknown subjects give an
    /// empty index, as the specification asks.
    /// </summary>
    public static async Task<byte[]> IndexAsync(IBlobStore store, Digest subject, string? artifactType, CancellationToken cancellation)
    {
        var manifests = new JsonArray();
        if (await store.ReadDocumentAsync(DocumentKey(subject), cancellation) is { } document)
        {
            foreach (var descriptor in JsonNode.Parse(document.Content)!.AsArray())
            {
                if (artifactType is not null && descriptor!["artifactType"]?.GetValue<string>() != artifactType) continue;
                if (!Digest.TryParse(descriptor!["digest"]!.GetValue<string>(), out var digest)) continue;
                if (await store.SizeAsync(digest, cancellation) is null) continue;
                manifests.Add(descriptor.DeepClone());
            }
        }
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = manifests,
        };
        return Encoding.UTF8.GetBytes(index.ToJsonString());
    }
}

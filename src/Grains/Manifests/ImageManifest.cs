using System.Text.Json;

namespace Nixery.Manifests;

/// <summary>
/// Writes the manifest of an image in the two formats clients ask for:
/// Docker Image Manifest V2 Schema 2 and the OCI image manifest. Both list
/// the same config and layer blobs; only media types differ, so each format
/// has its own, stable digest.
/// </summary>
public static class ImageManifest
{
    public static ManifestDocument Docker(BlobReference config, IReadOnlyList<LayerDescriptor> layers) =>
        Write(MediaTypes.DockerManifest, MediaTypes.DockerConfig, MediaTypes.DockerLayerGzip, config, layers);

    public static ManifestDocument Oci(BlobReference config, IReadOnlyList<LayerDescriptor> layers) =>
        Write(MediaTypes.OciManifest, MediaTypes.OciConfig, MediaTypes.OciLayerGzip, config, layers);

    private static ManifestDocument Write(string mediaType, string configType, string layerType, BlobReference config, IReadOnlyList<LayerDescriptor> layers)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", mediaType);
            json.WriteStartObject("config");
            Descriptor(json, configType, config.Digest, config.Size);
            json.WriteEndObject();
            json.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                json.WriteStartObject();
                Descriptor(json, layerType, layer.Digest, layer.Size);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var content = buffer.ToArray();
        return new ManifestDocument(mediaType, Digest.Sha256(content), content);
    }

    private static void Descriptor(Utf8JsonWriter json, string mediaType, Digest digest, long size)
    {
        json.WriteString("mediaType", mediaType);
        json.WriteNumber("size", size);
        json.WriteString("digest", digest.ToString());
    }

    /// <summary>The media type a stored manifest declares, or null if the bytes are not a manifest of ours.</summary>
    public static string? MediaTypeOf(ReadOnlySpan<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (!document.RootElement.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2) return null;
            if (!document.RootElement.TryGetProperty("mediaType", out var type) || type.ValueKind != JsonValueKind.String) return null;
            var mediaType = type.GetString()!;
            return MediaTypes.IsManifest(mediaType) ? mediaType : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

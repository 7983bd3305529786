using System.IO.Compression;
using System.Text.Json;

namespace Nixery.Catalogue;

/// <summary>
/// The catalogue as JSON: the shape list-catalogue.nix prints
/// (<c>{ packages = [ { name, version, description } ]; opaque = [ path ]; }</c>)
/// and, gzipped, the document kept on storage.
/// </summary>
public static class CatalogueDocument
{
    public static PackageCatalogue Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var packages = root.GetProperty("packages").EnumerateArray().Select(p => new CatalogueEntry(
            p.GetProperty("name").GetString() ?? "",
            p.TryGetProperty("version", out var version) ? version.GetString() ?? "" : "",
            p.TryGetProperty("description", out var description) ? description.GetString() ?? "" : ""));
        var opaque = root.TryGetProperty("opaque", out var o) ? o.EnumerateArray().Select(e => e.GetString() ?? "") : [];
        return new PackageCatalogue(packages.ToArray(), opaque.Where(e => e.Length > 0).ToArray());
    }

    public static byte[] Compress(PackageCatalogue catalogue)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var json = new Utf8JsonWriter(gzip))
        {
            json.WriteStartObject();
            json.WriteStartArray("packages");
            foreach (var entry in catalogue.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", entry.Name);
                json.WriteString("version", entry.Version);
                json.WriteString("description", entry.Description);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("opaque");
            foreach (var opaque in catalogue.Opaque) json.WriteStringValue(opaque);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    public static PackageCatalogue Decompress(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var json = new MemoryStream();
        gzip.CopyTo(json);
        return Parse(json.GetBuffer().AsSpan(0, (int)json.Length));
    }
}

using System.Text.Json;

namespace Nixery.Manifests;

/// <summary>
/// The image configuration blob. Written field by field with a fixed order
/// and fixed timestamps so the same image gives the same bytes, hence the
/// same config digest, on every instance and after every restart. Labels
/// record what the image is made of: the packages and the exact revision of
/// the package set (a commit, or a content hash).
/// </summary>
public sealed record ImageConfig(
    Platform Platform,
    IReadOnlyList<Digest> DiffIds,
    IReadOnlyList<string> Env,
    IReadOnlyList<string>? Cmd,
    IReadOnlyList<string> Packages,
    string Revision)
{
    /// <summary>dockerTools and nix2container use one second past the epoch; some tools treat zero as unset.</summary>
    public const string Created = "1970-01-01T00:00:01Z";

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("architecture", Platform.Architecture);
            json.WriteString("os", "linux");
            json.WriteString("created", Created);
            json.WriteStartObject("config");
            json.WriteStartArray("Env");
            foreach (var variable in Env) json.WriteStringValue(variable);
            json.WriteEndArray();
            if (Cmd is not null)
            {
                json.WriteStartArray("Cmd");
                foreach (var part in Cmd) json.WriteStringValue(part);
                json.WriteEndArray();
            }
            json.WriteStartObject("Labels");
            json.WriteString("dev.nixery.packages", string.Join(" ", Packages));
            json.WriteString("dev.nixery.revision", Revision);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            foreach (var diffId in DiffIds) json.WriteStringValue(diffId.ToString());
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartArray("history");
            for (var i = 0; i < DiffIds.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("created", Created);
                json.WriteString("created_by", i == DiffIds.Count - 1 ? "nixery: customisation layer" : "nixery: store paths");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

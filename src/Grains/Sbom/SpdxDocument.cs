using System.Text.Json;
using Nixery.Layering;

namespace Nixery.Sbom;

/// <summary>What an SBOM describes besides the closure: the image as requested and the revision it was built from.</summary>
public sealed record SbomSubject(
    IReadOnlyList<string> Packages,
    string System,
    string SourceKind,
    string Revision,
    Digest ImageConfig,
    string Created);

/// <summary>
/// The SPDX 2.3 JSON document of an image's runtime closure. One package per
/// store path (name and version as <c>parseDrvName</c> splits them, the store
/// hash in the SPDX id and an external reference to the store path, the NAR
/// hash as SHA-256 checksum, the output, license and homepage where the
/// package set's <c>meta</c> gives them), one package for the image (its
/// revision as version), <c>DEPENDS_ON</c> relationships from the image to
/// the requested packages and from each store path to its references.
/// Deterministic: everything is sorted, the creation time is the image's
/// fixed one and the namespace is named by the image config's digest, so
/// the same image gives the same bytes on any machine.
/// </summary>
public static class SpdxDocument
{
    public const string ImageId = "SPDXRef-Image";

    public static byte[] Write(ClosureGraph graph, IReadOnlyDictionary<string, string> outputs, IReadOnlyDictionary<string, PackageMeta> meta, SbomSubject subject)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("spdxVersion", "SPDX-2.3");
            json.WriteString("dataLicense", "CC0-1.0");
            json.WriteString("SPDXID", "SPDXRef-DOCUMENT");
            json.WriteString("name", $"nixery image {string.Join(' ', subject.Packages)} ({subject.System})");
            json.WriteString("documentNamespace", $"urn:nixery:sbom:{subject.ImageConfig}");
            json.WriteStartObject("creationInfo");
            json.WriteStartArray("creators");
            json.WriteStringValue("Tool: nixery");
            json.WriteEndArray();
            json.WriteString("created", subject.Created);
            json.WriteEndObject();
            json.WriteString("comment", $"Runtime closure of the image, from the Nix store's references; package set {subject.SourceKind} revision {subject.Revision}.");

            json.WriteStartArray("packages");
            WriteImage(json, subject);
            foreach (var info in graph.Paths.Values)
                WriteStorePath(json, info, outputs.GetValueOrDefault(info.Path), meta.GetValueOrDefault(info.Path) ?? PackageMeta.None);
            json.WriteEndArray();

            json.WriteStartArray("relationships");
            Relationship(json, "SPDXRef-DOCUMENT", "DESCRIBES", ImageId);
            foreach (var root in graph.Roots) Relationship(json, ImageId, "DEPENDS_ON", IdOf(root));
            foreach (var info in graph.Paths.Values)
                foreach (var reference in info.References) Relationship(json, IdOf(info.Path), "DEPENDS_ON", IdOf(reference));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The SPDX id of a store path: its Nix store hash (letters and digits, as SPDX ids allow).</summary>
    public static string IdOf(string storePath) => "SPDXRef-StorePath-" + StoreHash(storePath);

    /// <summary>The 32-character hash of <c>/nix/store/&lt;hash&gt;-name</c>.</summary>
    public static string StoreHash(string storePath)
    {
        var baseName = storePath[(storePath.LastIndexOf('/') + 1)..];
        var dash = baseName.IndexOf('-');
        return dash > 0 ? baseName[..dash] : baseName;
    }

    private static void WriteImage(Utf8JsonWriter json, SbomSubject subject)
    {
        json.WriteStartObject();
        json.WriteString("SPDXID", ImageId);
        json.WriteString("name", string.Join('/', subject.Packages));
        json.WriteString("versionInfo", subject.Revision);
        json.WriteString("downloadLocation", "NOASSERTION");
        json.WriteBoolean("filesAnalyzed", false);
        json.WriteString("sourceInfo", $"built by Nix from the package set at {subject.SourceKind} revision {subject.Revision}");
        json.WriteString("licenseConcluded", "NOASSERTION");
        json.WriteString("licenseDeclared", "NOASSERTION");
        json.WriteString("copyrightText", "NOASSERTION");
        json.WriteString("primaryPackagePurpose", "CONTAINER");
        json.WriteEndObject();
    }

    private static void WriteStorePath(Utf8JsonWriter json, StorePathInfo info, string? output, PackageMeta meta)
    {
        var name = DrvName.OfStorePath(info.Path, output);
        json.WriteStartObject();
        json.WriteString("SPDXID", IdOf(info.Path));
        json.WriteString("name", name.Name);
        if (name.Version.Length > 0) json.WriteString("versionInfo", name.Version);
        json.WriteString("packageFileName", info.Path);
        json.WriteString("downloadLocation", "NOASSERTION");
        json.WriteBoolean("filesAnalyzed", false);
        if (NarHash.ToHex(info.NarHash) is { } hex)
        {
            json.WriteStartArray("checksums");
            json.WriteStartObject();
            json.WriteString("algorithm", "SHA256");
            json.WriteString("checksumValue", hex);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        if (meta.Homepage is { Length: > 0 } homepage) json.WriteString("homepage", homepage);
        json.WriteString("licenseConcluded", "NOASSERTION");
        var licenses = meta.Licenses.Where(IsLicenseId).Distinct().Order(StringComparer.Ordinal).ToArray();
        json.WriteString("licenseDeclared", licenses.Length == 0 ? "NOASSERTION" : string.Join(" AND ", licenses));
        json.WriteString("copyrightText", "NOASSERTION");
        if (meta.Description is { Length: > 0 } description) json.WriteString("description", description);
        json.WriteString("comment", $"Nix store path {info.Path}, output {output ?? "out"}, NAR size {info.NarSize} bytes");
        json.WriteStartArray("externalRefs");
        json.WriteStartObject();
        json.WriteString("referenceCategory", "OTHER");
        json.WriteString("referenceType", "nix-store-path");
        json.WriteString("referenceLocator", info.Path);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>An SPDX license identifier (or LicenseRef): anything else from <c>meta</c> is not an expression and is left out.</summary>
    private static bool IsLicenseId(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+');

    private static void Relationship(Utf8JsonWriter json, string element, string type, string related)
    {
        json.WriteStartObject();
        json.WriteString("spdxElementId", element);
        json.WriteString("relationshipType", type);
        json.WriteString("relatedSpdxElement", related);
        json.WriteEndObject();
    }
}

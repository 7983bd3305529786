using System.Text.Json;
using System.Text.Json.Nodes;
using Nixery.Layering;
using Nixery.Sbom;

namespace Nixery.Tests.Sbom;

[Trait("Category", "Unit")]
public class SpdxDocumentTests
{
    private const string Store = "/nix/store/";
    private static readonly string Busybox = Store + "0bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-busybox-1.35.0";
    private static readonly string Zlib = Store + "1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-zlib-1.3.1";
    private static readonly string Openssl = Store + "2ooooooooooooooooooooooooooooooo-openssl-3.0.13";
    private static readonly string OpensslDoc = Store + "3ddddddddddddddddddddddddddddddd-openssl-3.0.13-doc";
    private static readonly string Curl = Store + "4ccccccccccccccccccccccccccccccc-curl-8.6.0";

    private static StorePathInfo Path(string path, params string[] references) =>
        new(path, 100, 1000, references, "sha256-5g3sOFBB6dShp6r2UsMDawVBFrDv2lsUzxNXe1YEhw0=", null);

    private static IEnumerable<StorePathInfo> Closure() =>
    [
        Path(Curl, Openssl, Zlib, Busybox, Curl),
        Path(Openssl, OpensslDoc, Zlib),
        Path(OpensslDoc),
        Path(Zlib),
        Path(Busybox),
    ];

    private static readonly SbomSubject Subject = new(["cacert", "curl"], "x86_64-linux", "path", "0abc", Digest.Sha256("config"u8.ToArray()), "1970-01-01T00:00:01Z");

    private static readonly Dictionary<string, string> Outputs = new() { [Openssl] = "out", [OpensslDoc] = "doc" };

    private static readonly Dictionary<string, PackageMeta> Meta = new()
    {
        [Curl] = new PackageMeta(["curl"], "https://curl.se", "A command line tool for transferring files with URL syntax"),
        [Openssl] = new PackageMeta(["Apache-2.0", "not a license id"], null, null),
    };

    private static byte[] Document(IEnumerable<StorePathInfo>? paths = null) =>
        SpdxDocument.Write(new ClosureGraph(paths ?? Closure(), [Curl]), Outputs, Meta, Subject);

    private static JsonObject Parsed() => JsonNode.Parse(Document())!.AsObject();

    [Fact]
    public void Is_valid_against_the_spdx_2_3_json_schema() => Assert.Empty(SpdxSchema.Problems(Document()));

    [Fact]
    public void The_schema_check_finds_a_broken_document()
    {
        var broken = Parsed();
        broken["packages"]![1]!["SPDXID"] = "not an spdx id";
        broken["relationships"]![0]!["relationshipType"] = "LIKES";
        Assert.NotEmpty(SpdxSchema.Problems(System.Text.Encoding.UTF8.GetBytes(broken.ToJsonString())));
    }

    [Fact]
    public void The_same_closure_in_any_order_gives_the_same_bytes()
    {
        Assert.Equal(Document(), Document(Closure().Reverse()));
        Assert.Equal(Document(), Document());
    }

    [Fact]
    public void Has_one_package_per_store_path_besides_the_image()
    {
        var packages = Parsed()["packages"]!.AsArray();
        Assert.Equal(6, packages.Count);
        Assert.Equal(Closure().Select(p => p.Path).Order(StringComparer.Ordinal),
            packages.Skip(1).Select(p => p!["packageFileName"]!.GetValue<string>()));
        var image = packages[0]!;
        Assert.Equal(SpdxDocument.ImageId, image["SPDXID"]!.GetValue<string>());
        Assert.Equal("0abc", image["versionInfo"]!.GetValue<string>());
    }

    [Fact]
    public void A_store_path_is_named_by_its_hash_with_name_version_and_nar_checksum()
    {
        var doc = Package(OpensslDoc);
        Assert.Equal("SPDXRef-StorePath-3ddddddddddddddddddddddddddddddd", doc["SPDXID"]!.GetValue<string>());
        Assert.Equal("openssl", doc["name"]!.GetValue<string>());
        Assert.Equal("3.0.13", doc["versionInfo"]!.GetValue<string>());
        Assert.Contains("output doc", doc["comment"]!.GetValue<string>());
        Assert.Equal(NarHash.ToHex("sha256-5g3sOFBB6dShp6r2UsMDawVBFrDv2lsUzxNXe1YEhw0="), doc["checksums"]![0]!["checksumValue"]!.GetValue<string>());
        Assert.Equal(OpensslDoc, doc["externalRefs"]![0]!["referenceLocator"]!.GetValue<string>());
    }

    [Fact]
    public void License_and_homepage_come_from_meta_and_only_spdx_identifiers_count()
    {
        var curl = Package(Curl);
        Assert.Equal("curl", curl["licenseDeclared"]!.GetValue<string>());
        Assert.Equal("https://curl.se", curl["homepage"]!.GetValue<string>());
        Assert.Equal("Apache-2.0", Package(Openssl)["licenseDeclared"]!.GetValue<string>());
        Assert.Equal("NOASSERTION", Package(Zlib)["licenseDeclared"]!.GetValue<string>());
        Assert.Null(Package(Zlib)["homepage"]);
    }

    [Fact]
    public void Relationships_are_the_reference_graph_without_self_references()
    {
        var relationships = Parsed()["relationships"]!.AsArray()
            .Select(r => (r!["spdxElementId"]!.GetValue<string>(), r["relationshipType"]!.GetValue<string>(), r["relatedSpdxElement"]!.GetValue<string>()))
            .ToArray();
        var id = SpdxDocument.IdOf;
        Assert.Equal(
            [
                ("SPDXRef-DOCUMENT", "DESCRIBES", SpdxDocument.ImageId),
                (SpdxDocument.ImageId, "DEPENDS_ON", id(Curl)),
                (id(Openssl), "DEPENDS_ON", id(Zlib)),
                (id(Openssl), "DEPENDS_ON", id(OpensslDoc)),
                (id(Curl), "DEPENDS_ON", id(Busybox)),
                (id(Curl), "DEPENDS_ON", id(Zlib)),
                (id(Curl), "DEPENDS_ON", id(Openssl)),
            ],
            relationships);
    }

    private static JsonNode Package(string path) =>
        Parsed()["packages"]!.AsArray().Single(p => p!["packageFileName"]?.GetValue<string>() == path)!;
}

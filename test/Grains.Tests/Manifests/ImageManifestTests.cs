using System.Text.Json;
using Nixery.Manifests;

namespace Nixery.Tests.Manifests;

[Trait("Category", "Unit")]

public class ImageManifestTests
{
    private static readonly BlobReference Config = new(Digest.Sha256("config"u8), 6);
    private static readonly LayerDescriptor[] Layers =
    [
        new(Digest.Sha256("layer1"u8), Digest.Sha256("tar1"u8), 100),
        new(Digest.Sha256("layer2"u8), Digest.Sha256("tar2"u8), 200),
    ];

    [Fact]
    public void The_docker_manifest_uses_docker_media_types()
    {
        var manifest = ImageManifest.Docker(Config, Layers);
        using var json = JsonDocument.Parse(manifest.Content);
        Assert.Equal(MediaTypes.DockerManifest, manifest.MediaType);
        Assert.Equal(2, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(MediaTypes.DockerManifest, json.RootElement.GetProperty("mediaType").GetString());
        Assert.Equal(MediaTypes.DockerConfig, json.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.All(json.RootElement.GetProperty("layers").EnumerateArray(), l => Assert.Equal(MediaTypes.DockerLayerGzip, l.GetProperty("mediaType").GetString()));
    }

    [Fact]
    public void The_oci_manifest_names_the_same_blobs_with_oci_media_types()
    {
        var manifest = ImageManifest.Oci(Config, Layers);
        using var json = JsonDocument.Parse(manifest.Content);
        Assert.Equal(MediaTypes.OciConfig, json.RootElement.GetProperty("config").GetProperty("mediaType").GetString());
        Assert.Equal(Config.Digest.ToString(), json.RootElement.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(Layers.Select(l => l.Digest.ToString()), json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()));
        Assert.Equal([100L, 200L], json.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()));
    }

    [Fact]
    public void The_digest_is_the_sha256_of_the_exact_bytes()
    {
        var manifest = ImageManifest.Docker(Config, Layers);
        Assert.Equal(Digest.Sha256(manifest.Content), manifest.Digest);
    }

    [Fact]
    public void The_same_input_gives_the_same_bytes() =>
        Assert.Equal(ImageManifest.Oci(Config, Layers).Content, ImageManifest.Oci(Config, Layers).Content);

    [Fact]
    public void Stored_manifests_are_recognised_by_their_media_type()
    {
        Assert.Equal(MediaTypes.OciManifest, ImageManifest.MediaTypeOf(ImageManifest.Oci(Config, Layers).Content));
        Assert.Equal(MediaTypes.DockerManifest, ImageManifest.MediaTypeOf(ImageManifest.Docker(Config, Layers).Content));
        Assert.Null(ImageManifest.MediaTypeOf("{\"architecture\":\"amd64\"}"u8));
        Assert.Null(ImageManifest.MediaTypeOf([0x1f, 0x8b, 0x08]));
    }

    [Fact]
    public void The_config_lists_diff_ids_env_and_cmd_with_fixed_timestamps()
    {
        var config = new ImageConfig(Platform.Arm64, Layers.Select(l => l.DiffId).ToArray(),
            ["PATH=/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt"], ["bash"], ["bashInteractive", "hello"], "git:0123abc").ToJson();
        using var json = JsonDocument.Parse(config);
        var root = json.RootElement;
        Assert.Equal("arm64", root.GetProperty("architecture").GetString());
        Assert.Equal("linux", root.GetProperty("os").GetString());
        Assert.Equal(ImageConfig.Created, root.GetProperty("created").GetString());
        Assert.Equal(Layers.Select(l => l.DiffId.ToString()), root.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["bash"], root.GetProperty("config").GetProperty("Cmd").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt", root.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, root.GetProperty("history").GetArrayLength());
        Assert.Equal("git:0123abc", root.GetProperty("config").GetProperty("Labels").GetProperty("dev.nixery.revision").GetString());
    }

    [Fact]
    public void A_config_without_a_shell_has_no_cmd()
    {
        var config = new ImageConfig(Platform.Amd64, [], ["PATH=/bin"], null, ["hello"], "path:abc").ToJson();
        using var json = JsonDocument.Parse(config);
        Assert.False(json.RootElement.GetProperty("config").TryGetProperty("Cmd", out _));
    }
}

using System.Text.Json.Nodes;
using Nixery.Manifests;
using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sbom;

[Trait("Category", "Unit")]
public class ReferrersTests
{
    private static readonly ManifestDocument Subject = new(MediaTypes.DockerManifest, Digest.Sha256("image"u8.ToArray()), "image"u8.ToArray());
    private static readonly BlobReference Sbom = new(Digest.Sha256("sbom"u8.ToArray()), 4);

    [Fact]
    public void An_artifact_manifest_names_the_empty_config_its_blob_and_its_subject()
    {
        var artifact = Referrers.ArtifactManifest(MediaTypes.SpdxJson, Sbom, Subject, "1970-01-01T00:00:01Z");
        var json = JsonNode.Parse(artifact.Content)!;
        Assert.Equal(MediaTypes.OciManifest, json["mediaType"]!.GetValue<string>());
        Assert.Equal(MediaTypes.SpdxJson, json["artifactType"]!.GetValue<string>());
        Assert.Equal(MediaTypes.OciEmpty, json["config"]!["mediaType"]!.GetValue<string>());
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", json["config"]!["digest"]!.GetValue<string>());
        Assert.Equal(Sbom.Digest.ToString(), json["layers"]![0]!["digest"]!.GetValue<string>());
        Assert.Equal(Subject.Digest.ToString(), json["subject"]!["digest"]!.GetValue<string>());
        Assert.Equal(MediaTypes.DockerManifest, json["subject"]!["mediaType"]!.GetValue<string>());
        Assert.Equal(Subject.Content.Length, json["subject"]!["size"]!.GetValue<int>());
        Assert.Equal(artifact.Digest, Digest.Sha256(artifact.Content));
    }

    [Fact]
    public async Task The_index_lists_stored_referrers_and_filters_by_artifact_type()
    {
        using var directory = new TemporaryDirectory();
        var store = new FileSystemBlobStore(directory.Path);
        var artifact = Referrers.ArtifactManifest(MediaTypes.SpdxJson, Sbom, Subject, "1970-01-01T00:00:01Z");
        await store.PutAsync((s, t) => s.WriteAsync(artifact.Content, t).AsTask(), artifact.Digest, CancellationToken.None);
        await Referrers.AddAsync(store, Subject.Digest, artifact, MediaTypes.SpdxJson, "1970-01-01T00:00:01Z", CancellationToken.None);
        await Referrers.AddAsync(store, Subject.Digest, artifact, MediaTypes.SpdxJson, "1970-01-01T00:00:01Z", CancellationToken.None);

        var all = JsonNode.Parse(await Referrers.IndexAsync(store, Subject.Digest, null, CancellationToken.None))!;
        Assert.Equal(MediaTypes.OciIndex, all["mediaType"]!.GetValue<string>());
        var descriptor = Assert.Single(all["manifests"]!.AsArray())!;
        Assert.Equal(artifact.Digest.ToString(), descriptor["digest"]!.GetValue<string>());
        Assert.Equal(MediaTypes.SpdxJson, descriptor["artifactType"]!.GetValue<string>());

        Assert.Single(JsonNode.Parse(await Referrers.IndexAsync(store, Subject.Digest, MediaTypes.SpdxJson, CancellationToken.None))!["manifests"]!.AsArray());
        Assert.Empty(JsonNode.Parse(await Referrers.IndexAsync(store, Subject.Digest, "application/vnd.example.sig", CancellationToken.None))!["manifests"]!.AsArray());
        Assert.Empty(JsonNode.Parse(await Referrers.IndexAsync(store, Digest.Sha256("other"u8.ToArray()), null, CancellationToken.None))!["manifests"]!.AsArray());

        // Garbage collection took the artifact: it is no longer listed.
        await store.DeleteAsync(artifact.Digest, CancellationToken.None);
        Assert.Empty(JsonNode.Parse(await Referrers.IndexAsync(store, Subject.Digest, null, CancellationToken.None))!["manifests"]!.AsArray());
    }
}

using Nixery.Manifests;

namespace Nixery.Frontend.Tests;

[Trait("Category", "Unit")]

public class ManifestNegotiationTests
{
    [Fact]
    public void Skopeo_and_podman_get_docker_schema_2_from_separate_accept_lines() =>
        Assert.Equal(MediaTypes.DockerManifest, ManifestNegotiation.Choose([
            MediaTypes.OciManifest, MediaTypes.DockerManifest, "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/vnd.docker.distribution.manifest.v1+json", MediaTypes.DockerManifestList, MediaTypes.OciIndex]));

    [Fact]
    public void Containerd_gets_docker_schema_2_from_one_comma_joined_line() =>
        Assert.Equal(MediaTypes.DockerManifest, ManifestNegotiation.Choose([
            $"{MediaTypes.DockerManifest}, {MediaTypes.DockerManifestList}, {MediaTypes.OciManifest}, {MediaTypes.OciIndex}, */*"]));

    [Fact]
    public void A_client_accepting_only_oci_gets_oci() =>
        Assert.Equal(MediaTypes.OciManifest, ManifestNegotiation.Choose([MediaTypes.OciManifest]));

    [Fact]
    public void Parameters_are_ignored_and_q_zero_excludes() =>
        Assert.Equal(MediaTypes.OciManifest, ManifestNegotiation.Choose([$"{MediaTypes.DockerManifest}; q=0", $"{MediaTypes.OciManifest}; q=0.5"]));

    [Fact]
    public void No_accept_header_gets_docker_schema_2() => Assert.Equal(MediaTypes.DockerManifest, ManifestNegotiation.Choose([]));

    [Fact]
    public void The_choice_does_not_depend_on_order() =>
        Assert.Equal(ManifestNegotiation.Choose([MediaTypes.OciManifest, MediaTypes.DockerManifest]),
            ManifestNegotiation.Choose([MediaTypes.DockerManifest, MediaTypes.OciManifest]));
}

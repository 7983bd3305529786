namespace Nixery.Frontend.Tests;

[Trait("Category", "Unit")]

public class RegistryRouteTests
{
    [Fact]
    public void The_base_path_is_the_base_route() => Assert.IsType<RegistryRoute.Base>(RegistryRoute.Parse(""));

    [Fact]
    public void Manifest_routes_keep_slashes_in_the_name() =>
        Assert.Equal(new RegistryRoute.Manifest("shell/git/htop", "latest"), RegistryRoute.Parse("shell/git/htop/manifests/latest"));

    [Fact]
    public void A_package_named_manifests_is_still_a_name() =>
        Assert.Equal(new RegistryRoute.Manifest("manifests/hello", "v1"), RegistryRoute.Parse("manifests/hello/manifests/v1"));

    [Fact]
    public void Blob_routes_carry_the_digest() =>
        Assert.Equal(new RegistryRoute.Blob("hello", "sha256:abc"), RegistryRoute.Parse("hello/blobs/sha256:abc"));

    [Fact]
    public void Referrers_routes_carry_the_subject_digest() =>
        Assert.Equal(new RegistryRoute.Referrers("shell/git", "sha256:abc"), RegistryRoute.Parse("shell/git/referrers/sha256:abc"));

    [Fact]
    public void Tag_lists() => Assert.Equal(new RegistryRoute.Tags("a/b"), RegistryRoute.Parse("a/b/tags/list"));

    [Theory]
    [InlineData("hello/blobs/uploads/")]
    [InlineData("hello/blobs/uploads/1234-5678")]
    public void Uploads_are_recognised(string path) => Assert.IsType<RegistryRoute.Upload>(RegistryRoute.Parse(path));

    [Theory]
    [InlineData("_catalog")]
    [InlineData("hello/referrers/")]
    [InlineData("hello/manifests/")]
    [InlineData("/manifests/latest")]
    public void Other_paths_are_unknown(string path) => Assert.IsType<RegistryRoute.Unknown>(RegistryRoute.Parse(path));
}

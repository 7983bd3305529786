using Nixery.Sbom;

namespace Nixery.Tests.Sbom;

[Trait("Category", "Unit")]
public class DrvNameTests
{
    // Expected values printed by Nix: nix-instantiate --eval --json -E 'builtins.parseDrvName "<name>"'.
    [Theory]
    [InlineData("python3.11-requests-2.31.0", "python3.11-requests", "2.31.0")]
    [InlineData("iana-etc-20240318", "iana-etc", "20240318")]
    [InlineData("openssl-3.0.13-doc", "openssl", "3.0.13-doc")]
    [InlineData("bash-interactive-5.2", "bash-interactive", "5.2")]
    [InlineData("1password-cli-2.26.0", "1password-cli", "2.26.0")]
    [InlineData("busybox-static", "busybox-static", "")]
    [InlineData("hello", "hello", "")]
    [InlineData("foo-1.0-bin", "foo", "1.0-bin")]
    [InlineData("x-", "x-", "")]
    public void Splits_as_parseDrvName_does(string name, string expectedName, string expectedVersion) =>
        Assert.Equal(new DrvName(expectedName, expectedVersion), DrvName.Parse(name));

    [Fact]
    public void A_store_path_loses_its_hash_and_the_suffix_of_an_output_other_than_out()
    {
        Assert.Equal(new DrvName("openssl", "3.0.13"), DrvName.OfStorePath("/nix/store/064740h8blj1l14y4w1sj87zf55vgpxg-openssl-3.0.13-doc", "doc"));
        Assert.Equal(new DrvName("openssl", "3.0.13-doc"), DrvName.OfStorePath("/nix/store/064740h8blj1l14y4w1sj87zf55vgpxg-openssl-3.0.13-doc", null));
        Assert.Equal(new DrvName("zlib", "1.3.1"), DrvName.OfStorePath("/nix/store/00000000000000000000000000000000-zlib-1.3.1", "out"));
    }
}

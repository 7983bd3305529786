using Nixery.Sbom;

namespace Nixery.Tests.Sbom;

[Trait("Category", "Unit")]
public class NarHashTests
{
    // One store path's hash as Nix prints it both ways:
    // `nix path-info --json` (SRI) and `nix-store -q --hash` (nix32).
    private const string Sri = "sha256-5g3sOFBB6dShp6r2UsMDawVBFrDv2lsUzxNXe1YEhw0=";
    private const string Nix32 = "sha256:03c70ib7nmqkrwa5pnpgn0b421bb0g1m5xmalyhx9sa1a0wfq3g6";

    [Fact]
    public void Both_of_nixs_forms_give_the_same_hex()
    {
        var hex = NarHash.ToHex(Sri);
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String(Sri["sha256-".Length..])), hex);
        Assert.Equal(hex, NarHash.ToHex(Nix32));
        Assert.Equal(64, hex!.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("md5-abc")]
    [InlineData("sha256-notbase64!")]
    [InlineData("sha256:tooshort")]
    [InlineData("sha256:03c70ib7nmqkrwa5pnpgn0b421bb0g1m5xmalyhx9sa1a0wfq3ge")] // 'e' is not a nix32 digit
    public void Anything_else_is_no_hash(string? text) => Assert.Null(NarHash.ToHex(text));
}

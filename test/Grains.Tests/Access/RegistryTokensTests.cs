using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Nixery.Access;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class RegistryTokensTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SigningKey _key = SigningKey.FromPem(SigningKey.GeneratePem());

    private RegistryTokens Tokens(SigningKey? key = null, string service = "nixery") => new(key ?? _key, _clock, service);

    [Fact]
    public void A_token_verifies_with_its_subject_and_access()
    {
        var token = Tokens().Issue("alice", [ResourceScope.PullOf("shell/git")], TimeSpan.FromMinutes(5));
        var claims = Tokens().Verify(token);
        Assert.NotNull(claims);
        Assert.Equal("alice", claims.Subject);
        Assert.True(claims.Grants(ResourceScope.PullOf("shell/git")));
        Assert.False(claims.Grants(ResourceScope.PullOf("shell")));
        Assert.False(claims.IsRefresh);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(5), claims.Expires);
    }

    [Fact]
    public void Carries_the_claims_of_the_distribution_token_specification()
    {
        var token = Tokens().Issue("alice", [ResourceScope.PullOf("shell")], TimeSpan.FromMinutes(5));
        var parts = token.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        Assert.Equal(64, Base64Url.DecodeFromChars(parts[2]).Length); // r‖s of P-256
        var claims = payload.RootElement;
        Assert.Equal("nixery", claims.GetProperty("iss").GetString());
        Assert.Equal("nixery", claims.GetProperty("aud").GetString());
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds() + 300, claims.GetProperty("exp").GetInt64());
        Assert.False(string.IsNullOrEmpty(claims.GetProperty("jti").GetString()));
        var access = Assert.Single(claims.GetProperty("access").EnumerateArray());
        Assert.Equal("""{"type":"repository","name":"shell","actions":["pull"]}""", access.GetRawText());
    }

    [Fact]
    public void An_expired_token_is_refused_after_the_leeway()
    {
        var token = Tokens().Issue("alice", [], TimeSpan.FromMinutes(5));
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        Assert.NotNull(Tokens().Verify(token));
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(Tokens().Verify(token));
    }

    [Fact]
    public void A_token_signed_by_another_key_is_refused()
    {
        var other = SigningKey.FromPem(SigningKey.GeneratePem());
        Assert.Null(Tokens().Verify(Tokens(other).Issue("alice", [], TimeSpan.FromMinutes(5))));
    }

    [Fact]
    public void A_token_for_another_service_is_refused()
    {
        Assert.Null(Tokens().Verify(Tokens(service: "elsewhere").Issue("alice", [], TimeSpan.FromMinutes(5))));
    }

    [Fact]
    public void A_changed_payload_breaks_the_signature()
    {
        var parts = Tokens().Issue("bob", [ResourceScope.PullOf("shell")], TimeSpan.FromMinutes(5)).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"shell\"", "\"secret\"");
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.Null(Tokens().Verify(forged));
    }

    [Fact]
    public void An_unsigned_token_is_refused_whatever_its_header_says()
    {
        var parts = Tokens().Issue("bob", [ResourceScope.PullOf("shell")], TimeSpan.FromMinutes(5)).Split('.');
        var none = Base64Url.EncodeToString("""{"alg":"none","typ":"JWT"}"""u8);
        Assert.Null(Tokens().Verify($"{none}.{parts[1]}."));
        Assert.Null(Tokens().Verify($"{parts[0]}.{parts[1]}."));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("!!.??.##")]
    public void Garbage_is_refused_without_throwing(string token) => Assert.Null(Tokens().Verify(token));

    [Fact]
    public void Refresh_tokens_are_marked_and_carry_no_access()
    {
        var claims = Tokens().Verify(Tokens().IssueRefresh("alice", TimeSpan.FromDays(1)));
        Assert.NotNull(claims);
        Assert.True(claims.IsRefresh);
        Assert.Empty(claims.Access);
    }

    [Fact]
    public void An_rsa_key_signs_rs256_tokens()
    {
        using var rsa = RSA.Create(2048);
        using var key = SigningKey.FromPem(rsa.ExportRSAPrivateKeyPem());
        Assert.Equal("RS256", key.Algorithm);
        var claims = Tokens(key).Verify(Tokens(key).Issue("alice", [ResourceScope.PullOf("a")], TimeSpan.FromMinutes(1)));
        Assert.Equal("alice", claims?.Subject);
        // A token verified with the other algorithm's key is refused, not confused.
        Assert.Null(Tokens().Verify(Tokens(key).Issue("alice", [], TimeSpan.FromMinutes(1))));
    }

    [Fact]
    public void Keys_of_other_curves_or_small_rsa_are_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<CryptographicException>(() => SigningKey.FromPem(p384.ExportPkcs8PrivateKeyPem()));
        using var small = RSA.Create(1024);
        Assert.Throws<CryptographicException>(() => SigningKey.FromPem(small.ExportRSAPrivateKeyPem()));
    }
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Nixery.Access;

/// <summary>What a registry token says: who holds it and what it grants, until when.</summary>
public sealed record TokenClaims(
    string Subject,
    IReadOnlyList<ResourceScope> Access,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    bool IsRefresh)
{
    public bool IsAnonymous => Subject.Length == 0;

    public bool Grants(ResourceScope required) => Access.Any(a => a.Covers(required));
}

/// <summary>
/// Issues and verifies the registry's tokens: compact JWS (JWT) with the
/// claims of the distribution token specification (<c>iss</c>, <c>sub</c>,
/// <c>aud</c>, <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c> and
/// <c>access</c>: <c>[{type, name, actions}]</c>). Clients treat tokens as
/// opaque; only this registry reads them. Refresh tokens (OAuth2's offline
/// access) are JWTs too, marked as such and never accepted as access tokens.
/// </summary>
public sealed class RegistryTokens(SigningKey key, TimeProvider clock, string service)
{
    public const string Issuer = "nixery";

    /// <summary>Tolerated clock difference between the processes of a deployment.</summary>
    private static readonly TimeSpan Leeway = TimeSpan.FromSeconds(60);

    public string Service => service;

    public string Issue(string subject, IReadOnlyList<ResourceScope> access, TimeSpan lifetime) =>
        Sign(subject, access, lifetime, refresh: false);

    public string IssueRefresh(string subject, TimeSpan lifetime) => Sign(subject, [], lifetime, refresh: true);

    private string Sign(string subject, IReadOnlyList<ResourceScope> access, TimeSpan lifetime, bool refresh)
    {
        var now = clock.GetUtcNow();
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = key.Algorithm,
            ["typ"] = "JWT",
            ["kid"] = key.KeyId,
        });
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", Issuer);
            json.WriteString("sub", subject);
            json.WriteString("aud", service);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("nbf", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + lifetime).ToUnixTimeSeconds());
            json.WriteString("jti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            if (refresh) json.WriteString("token_use", "refresh");
            json.WriteStartArray("access");
            foreach (var scope in access)
            {
                json.WriteStartObject();
                json.WriteString("type", scope.Type);
                json.WriteString("name", scope.Name);
                json.WriteStartArray("actions");
                foreach (var action in scope.Actions) json.WriteStringValue(action);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(buffer.ToArray())}";
        return $"{signingInput}.{Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    /// <summary>
    /// The claims of a token this deployment issued and that is valid now;
    /// null for anything else (malformed, another key or algorithm, another
    /// issuer or audience, expired, not yet valid).
    /// </summary>
    public TokenClaims? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || token.Length > 16 * 1024) return null;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            // The algorithm is fixed by our key, never taken from the token ("alg: none" and HS/RS confusion).
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != key.Algorithm) return null;
            if (!key.Verify(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]))) return null;

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var claims = payload.RootElement;
            if (claims.GetProperty("iss").GetString() != Issuer || claims.GetProperty("aud").GetString() != service) return null;
            var now = clock.GetUtcNow();
            var notBefore = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("nbf").GetInt64());
            var expires = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
            if (now + Leeway < notBefore || now - Leeway >= expires) return null;
            var access = claims.GetProperty("access").EnumerateArray()
                .Select(a => new ResourceScope(
                    a.GetProperty("type").GetString()!,
                    a.GetProperty("name").GetString()!,
                    a.GetProperty("actions").EnumerateArray().Select(x => x.GetString()!).ToArray()))
                .ToArray();
            var refresh = claims.TryGetProperty("token_use", out var use) && use.GetString() == "refresh";
            return new TokenClaims(
                claims.GetProperty("sub").GetString()!, access,
                DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()), expires, refresh);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return null;
        }
    }
}

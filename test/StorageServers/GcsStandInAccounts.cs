using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Nixery.StorageServers;

/// <summary>
/// The stand-in's service accounts: it makes key files whose token_uri
/// points at itself, exchanges their signed JWT assertions for access
/// tokens, and checks V4 signed URLs (GOOG4-RSA-SHA256) against the
/// accounts' public keys, following Google's published signing algorithm.
/// </summary>
public sealed class GcsStandInAccounts
{
    private readonly ConcurrentDictionary<string, RSA> _keys = new();
    private readonly ConcurrentDictionary<string, byte> _tokens = new();

    /// <summary>Writes a service-account key file and returns its path.</summary>
    public string CreateKeyFile(string directory, Uri tokenUri)
    {
        var rsa = RSA.Create(2048);
        var email = $"nixery-{Guid.NewGuid():N}"[..20] + "@stand-in.iam.gserviceaccount.com";
        _keys[email] = rsa;
        var path = Path.Combine(directory, $"gcs-stand-in-key-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "stand-in",
            ["private_key_id"] = Guid.NewGuid().ToString("N"),
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = email,
            ["client_id"] = "1",
            ["token_uri"] = tokenUri.ToString(),
        }));
        return path;
    }

    /// <summary>An access token for a JWT-bearer assertion signed by a known key, or null.</summary>
    public string? IssueToken(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3) return null;
        using var payload = JsonDocument.Parse(Base64Url(parts[1]));
        var issuer = payload.RootElement.GetProperty("iss").GetString() ?? "";
        if (!_keys.TryGetValue(issuer, out var key)) return null;
        var signed = key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!signed || payload.RootElement.GetProperty("exp").GetInt64() < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return null;
        var token = "stand-in-" + Guid.NewGuid().ToString("N");
        _tokens[token] = 0;
        return token;
    }

    /// <summary>
    /// A token from the token endpoint, or a self-signed JWT of a known
    /// account (which Google accepts from service accounts in place of one).
    /// </summary>
    public bool IsValidBearer(string token) => _tokens.ContainsKey(token) || IsSelfSignedJwt(token);

    private bool IsSelfSignedJwt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return false;
        try
        {
            using var payload = JsonDocument.Parse(Base64Url(parts[1]));
            var issuer = payload.RootElement.GetProperty("iss").GetString() ?? "";
            return _keys.TryGetValue(issuer, out var key)
                && payload.RootElement.GetProperty("exp").GetInt64() >= DateTimeOffset.UtcNow.ToUnixTimeSeconds()
                && key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Null when the request carries a valid, unexpired V4 signature; else the error code GCS would answer.</summary>
    public string? CheckSignedUrl(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var question = target.IndexOf('?');
        if (question < 0) return "MissingSecurityHeader";
        var path = target[..question];
        var pairs = target[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : ""))
            .ToList();
        string? Parameter(string name) => pairs.Where(p => p.Name == name).Select(p => Uri.UnescapeDataString(p.Value)).FirstOrDefault();

        if (Parameter("X-Goog-Algorithm") != "GOOG4-RSA-SHA256" || Parameter("X-Goog-Signature") is not { } signatureHex
            || Parameter("X-Goog-Credential") is not { } credential || Parameter("X-Goog-Date") is not { } date
            || Parameter("X-Goog-Expires") is not { } expires || Parameter("X-Goog-SignedHeaders") is not { } signedHeaders)
            return "MissingSecurityHeader";

        var signedAt = DateTimeOffset.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", null, System.Globalization.DateTimeStyles.AssumeUniversal);
        if (signedAt.AddSeconds(long.Parse(expires)) < DateTimeOffset.UtcNow) return "ExpiredToken";

        var slash = credential.IndexOf('/');
        if (slash < 0 || !_keys.TryGetValue(credential[..slash], out var key)) return "InvalidCredential";
        var scope = credential[(slash + 1)..];

        var canonicalQuery = string.Join('&', pairs.Where(p => p.Name != "X-Goog-Signature").OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
        var canonicalHeaders = string.Concat(signedHeaders.Split(';').Select(h => $"{h}:{context.Request.Headers[h].ToString().Trim()}\n"));
        var canonicalRequest = string.Join('\n', context.Request.Method, path, canonicalQuery, canonicalHeaders, signedHeaders, "UNSIGNED-PAYLOAD");
        var toSign = string.Join('\n', "GOOG4-RSA-SHA256", date, scope, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        byte[] signature;
        try
        {
            signature = Convert.FromHexString(signatureHex);
        }
        catch (FormatException)
        {
            return "SignatureDoesNotMatch";
        }
        return key.VerifyData(Encoding.UTF8.GetBytes(toSign), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ? null : "SignatureDoesNotMatch";
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}

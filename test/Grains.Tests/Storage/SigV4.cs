using System.Security.Cryptography;
using System.Text;

namespace Nixery.Tests.Storage;

/// <summary>
/// Checks an AWS Signature Version 4 presigned GET URL (query-string
/// authentication, UNSIGNED-PAYLOAD, host as the only signed header) as
/// AWS's documentation describes it: for servers that do not check.
/// </summary>
internal static class SigV4
{
    public static bool IsValidPresignedGet(Uri url, string secretKey)
    {
        var pairs = url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => (Name: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        string Parameter(string name) => Uri.UnescapeDataString(pairs.Single(p => p.Name == name).Value);

        var date = Parameter("X-Amz-Date");
        var scope = Parameter("X-Amz-Credential").Split('/', 2)[1];
        var scopeParts = scope.Split('/');
        var canonicalQuery = string.Join('&', pairs.Where(p => p.Name != "X-Amz-Signature").OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        var canonicalRequest = string.Join('\n', "GET", url.AbsolutePath, canonicalQuery, $"host:{host}\n", "host", "UNSIGNED-PAYLOAD");
        var toSign = string.Join('\n', "AWS4-HMAC-SHA256", date, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in scopeParts) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign))) == Parameter("X-Amz-Signature");
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

namespace Nixery.Sbom;

/// <summary>
/// Nix prints a NAR hash either as SRI (<c>sha256-&lt;base64&gt;</c>, <c>nix path-info --json</c>
/// of recent versions) or as <c>sha256:&lt;nix32&gt;</c> (older versions, exportReferencesGraph);
/// SPDX wants lowercase hex.
/// </summary>
public static class NarHash
{
    private const string Nix32Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

    /// <summary>The SHA-256 as hex, or null when the text is neither form.</summary>
    public static string? ToHex(string? hash)
    {
        if (hash is null) return null;
        if (hash.StartsWith("sha256-", StringComparison.Ordinal))
        {
            try
            {
                var bytes = Convert.FromBase64String(hash["sha256-".Length..]);
                return bytes.Length == 32 ? Convert.ToHexStringLower(bytes) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        if (hash.StartsWith("sha256:", StringComparison.Ordinal))
        {
            var text = hash["sha256:".Length..];
            if (text.Length == 64 && text.All(Uri.IsHexDigit)) return text.ToLowerInvariant();
            return Nix32ToBytes(text, 32) is { } decoded ? Convert.ToHexStringLower(decoded) : null;
        }
        return null;
    }

    /// <summary>
    /// Nix's base-32: characters are read from the end of the string, each
    /// giving the next five bits of the little-endian byte array.
    /// </summary>
    public static byte[]? Nix32ToBytes(string text, int length)
    {
        if (text.Length != (length * 8 + 4) / 5) return null;
        var bytes = new byte[length];
        for (var n = 0; n < text.Length; n++)
        {
            var digit = Nix32Alphabet.IndexOf(text[text.Length - n - 1]);
            if (digit < 0) return null;
            var bit = n * 5;
            var i = bit / 8;
            var j = bit % 8;
            bytes[i] |= (byte)(digit << j);
            if (i + 1 < length) bytes[i + 1] |= (byte)(digit >> (8 - j));
            else if (digit >> (8 - j) != 0) return null;
        }
        return bytes;
    }
}

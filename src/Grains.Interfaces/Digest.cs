using System.Security.Cryptography;

namespace Nixery;

/// <summary>
/// A content digest as the distribution spec writes it: <c>algorithm:hex</c>.
/// Only sha256 is produced; parsing accepts sha256 and sha512 so that a
/// request for another algorithm is answered as unknown rather than invalid.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.Digest")]
public readonly record struct Digest
{
    [Id(0)] public string Algorithm { get; }
    [Id(1)] public string Hex { get; }

    private Digest(string algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public static Digest Sha256(ReadOnlySpan<byte> content) => FromHash(SHA256.HashData(content));

    public static Digest FromHash(ReadOnlySpan<byte> sha256) => new("sha256", Convert.ToHexStringLower(sha256));

    public static Digest Parse(string text) =>
        TryParse(text, out var digest) ? digest : throw new FormatException($"'{text}' is not a valid digest");

    public static bool TryParse(string? text, out Digest digest)
    {
        digest = default;
        if (text is null) return false;
        var colon = text.IndexOf(':');
        if (colon <= 0) return false;
        var algorithm = text[..colon];
        var hex = text[(colon + 1)..];
        var length = algorithm switch { "sha256" => 64, "sha512" => 128, _ => -1 };
        if (hex.Length != length) return false;
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        }
        digest = new Digest(algorithm, hex);
        return true;
    }

    public bool IsEmpty => Hex is null;

    public override string ToString() => $"{Algorithm}:{Hex}";
}

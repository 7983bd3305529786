using System.Security.Cryptography;
using System.Text;

namespace Nixery.Bench.Layering;

/// <summary>Store path hashes as Nix prints them: 160 bits in Nix's base32.</summary>
public static class StorePathHash
{
    private const string Alphabet = "0123456789abcdfghijklmnpqrsvwxyz";

    /// <summary>A stand-in for the derivation hash: any change in the inputs changes it.</summary>
    public static string Of(string inputs)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(inputs)).AsSpan(0, 20);
        var text = new char[32];
        for (var n = 31; n >= 0; n--)
        {
            var bit = n * 5;
            var i = bit / 8;
            var j = bit % 8;
            var value = (digest[i] >> j) | (i + 1 < digest.Length ? digest[i + 1] << (8 - j) : 0);
            text[31 - n] = Alphabet[value & 0x1f];
        }
        return new string(text);
    }
}

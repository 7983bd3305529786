using System.Buffers.Text;
using System.Security.Cryptography;

namespace Nixery.Access;

/// <summary>
/// The key that signs and verifies registry tokens: ECDSA P-256 (ES256) or
/// RSA (RS256), read from PEM. Every process of a deployment must hold the
/// same key, so that a token issued by any of them is accepted by all.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private SigningKey(AsymmetricAlgorithm key)
    {
        _key = key;
        Algorithm = key is ECDsa ? "ES256" : "RS256";
        // The kid only has to tell keys apart (clients never check it): a
        // fingerprint of the public key.
        KeyId = Base64Url.EncodeToString(SHA256.HashData(key switch
        {
            ECDsa ec => ec.ExportSubjectPublicKeyInfo(),
            RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
            _ => throw new NotSupportedException(),
        }).AsSpan(0, 16));
    }

    /// <summary>JWS algorithm name: <c>ES256</c> or <c>RS256</c>.</summary>
    public string Algorithm { get; }

    public string KeyId { get; }

    /// <summary>A private key in PEM (PKCS#8, SEC1 EC or PKCS#1 RSA).</summary>
    public static SigningKey FromPem(string pem)
    {
        if (pem.Contains("BEGIN RSA PRIVATE KEY", StringComparison.Ordinal)) return FromRsa(pem);
        if (pem.Contains("BEGIN EC PRIVATE KEY", StringComparison.Ordinal)) return FromEc(pem);
        try
        {
            return FromEc(pem);
        }
        catch (CryptographicException)
        {
            return FromRsa(pem);
        }
    }

    private static SigningKey FromEc(string pem)
    {
        var ec = ECDsa.Create();
        ec.ImportFromPem(pem);
        if (ec.KeySize != 256)
        {
            ec.Dispose();
            throw new CryptographicException($"an EC signing key must be on P-256 (ES256), not {ec.KeySize} bits");
        }
        return new SigningKey(ec);
    }

    private static SigningKey FromRsa(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new CryptographicException($"an RSA signing key must have at least 2048 bits, not {rsa.KeySize}");
        }
        return new SigningKey(rsa);
    }

    /// <summary>A new P-256 key as PKCS#8 PEM.</summary>
    public static string GeneratePem()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>JWS signature: r‖s for ES256 (IEEE P1363, what .NET produces), PKCS#1 v1.5 for RS256.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => _key switch
    {
        ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256),
        RSA rsa => rsa.SignData(data.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException(),
    };

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => _key switch
    {
        ECDsa ec => ec.VerifyData(data, signature, HashAlgorithmName.SHA256),
        RSA rsa => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => false,
    };

    public void Dispose() => _key.Dispose();
}

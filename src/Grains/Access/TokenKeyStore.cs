using System.Text;
using Nixery.Storage;

namespace Nixery.Access;

/// <summary>
/// Where the token signing key comes from: the configured key file, or a
/// key generated once per deployment and kept as a document on the storage
/// backend, which every silo and frontend shares. Documents are never served
/// to clients. Two processes starting together may both generate a key; the
/// store's create-if-absent write lets exactly one of them win and the other
/// reads the winner's key, so all verify the same tokens.
/// </summary>
public static class TokenKeyStore
{
    public const string KeyDocument = "auth/token-signing-key";

    public static async Task<SigningKey> LoadAsync(AuthOptions options, IBlobStore store, CancellationToken cancellation)
    {
        if (!string.IsNullOrWhiteSpace(options.KeyFile))
            return SigningKey.FromPem(await File.ReadAllTextAsync(options.KeyFile, cancellation));

        var existing = await store.ReadDocumentAsync(KeyDocument, cancellation);
        if (existing is not null) return SigningKey.FromPem(Encoding.UTF8.GetString(existing.Content));
        var pem = SigningKey.GeneratePem();
        try
        {
            await store.WriteDocumentAsync(KeyDocument, Encoding.UTF8.GetBytes(pem), expectedETag: null, cancellation);
            return SigningKey.FromPem(pem);
        }
        catch (DocumentConflictException)
        {
            var winner = await store.ReadDocumentAsync(KeyDocument, cancellation)
                ?? throw new InvalidOperationException("the token signing key was created and removed at once");
            return SigningKey.FromPem(Encoding.UTF8.GetString(winner.Content));
        }
    }
}

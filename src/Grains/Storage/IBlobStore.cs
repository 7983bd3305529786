namespace Nixery.Storage;

/// <summary>
/// Where blobs (layers, configs, manifests) and small state documents live.
/// Blobs are content-addressed and become visible only when complete and
/// verified; documents are named and versioned by an ETag so that grain
/// state can be written without lost updates.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Streams a blob in through <paramref name="write"/>, hashes what arrives,
    /// and publishes it atomically under its SHA-256 digest. If
    /// <paramref name="expected"/> is given and differs, nothing is published.
    /// </summary>
    Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation);

    /// <summary>The blob's size, or null when it does not exist.</summary>
    Task<long?> SizeAsync(Digest digest, CancellationToken cancellation);

    /// <summary>How the frontend should send a blob to a client, or null when it does not exist.</summary>
    Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation);

    /// <summary>
    /// How to send a blob the caller already knows exists, with its size (it is named by a
    /// manifest the caller serves), when that needs no call to storage: a redirect signed
    /// locally. Null when sending it needs storage anyway (a local file, a proxied stream);
    /// the caller then asks <see cref="LocateAsync"/>.
    /// </summary>
    ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation);

    /// <summary>Reads a small blob (a manifest) whole; null when it does not exist.</summary>
    Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation);

    Task DeleteAsync(Digest digest, CancellationToken cancellation);

    /// <summary>Every stored blob's digest, for garbage collection.</summary>
    IAsyncEnumerable<Digest> ListAsync(CancellationToken cancellation);

    Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation);

    /// <summary>
    /// Writes a document if its current ETag is <paramref name="expectedETag"/>
    /// (null: it must not exist); throws <see cref="DocumentConflictException"/> otherwise.
    /// </summary>
    Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation);

    Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation);

    /// <summary>The keys of every document under <paramref name="folder"/> (a key prefix ending at a '/').</summary>
    IAsyncEnumerable<string> ListDocumentsAsync(string folder, CancellationToken cancellation);
}

public sealed record StoredDocument(byte[] Content, string ETag);

public sealed class DocumentConflictException(string key) : Exception($"document {key} was changed by someone else");

/// <summary>A blob that exists: either a local file the frontend sends itself, or a URL the client is redirected to.</summary>
public abstract record BlobLocation(long Size)
{
    public sealed record LocalFile(string Path, long Size) : BlobLocation(Size);

    public sealed record Redirect(Uri Url, long Size) : BlobLocation(Size);

    /// <summary>A stream the frontend copies to the client (a backend without redirects, or one that proxies).</summary>
    public sealed record Proxy(Func<long, long?, CancellationToken, Task<Stream>> Open, long Size) : BlobLocation(Size);
}

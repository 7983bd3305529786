using System.Runtime.CompilerServices;

namespace Nixery.Storage;

/// <summary>
/// Wraps an object-storage backend so that its SDK's failures (Azure's
/// <c>RequestFailedException</c>, AWS's <c>AmazonServiceException</c>,
/// Google's <c>GoogleApiException</c>, transport errors, client time-outs)
/// leave it as <see cref="BlobStoreException"/>, an <see cref="IOException"/>
/// the build pipeline already reports as a storage failure, instead of
/// reaching callers as unknown exceptions and clients as "internal error".
/// The one place that knows every SDK's exception types.
/// </summary>
public sealed class ServiceFailureBoundary(IBlobStore inner, string backend) : IBlobStore
{
    public IBlobStore Inner => inner;

    public Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation) =>
        GuardAsync("store a blob", () => inner.PutAsync(write, expected, cancellation), cancellation);

    public Task<long?> SizeAsync(Digest digest, CancellationToken cancellation) =>
        GuardAsync($"look up blob {digest}", () => inner.SizeAsync(digest, cancellation), cancellation);

    public async Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation)
    {
        var location = await GuardAsync($"locate blob {digest}", () => inner.LocateAsync(digest, cancellation), cancellation);
        return location is BlobLocation.Proxy proxy
            ? proxy with { Open = (start, length, token) => GuardAsync($"read blob {digest}", () => proxy.Open(start, length, token), token) }
            : location;
    }

    public async ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation) =>
        await GuardAsync($"sign a URL for blob {digest}", () => inner.LocateKnownAsync(digest, size, cancellation).AsTask(), cancellation);

    public Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation) =>
        GuardAsync($"read blob {digest}", () => inner.ReadAsync(digest, maxLength, cancellation), cancellation);

    public Task DeleteAsync(Digest digest, CancellationToken cancellation) =>
        GuardAsync($"delete blob {digest}", async () =>
        {
            await inner.DeleteAsync(digest, cancellation);
            return true;
        }, cancellation);

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var blobs = inner.ListAsync(cancellation).GetAsyncEnumerator(cancellation);
        while (await GuardAsync("list blobs", () => blobs.MoveNextAsync().AsTask(), cancellation)) yield return blobs.Current;
    }

    public async IAsyncEnumerable<string> ListDocumentsAsync(string folder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var keys = inner.ListDocumentsAsync(folder, cancellation).GetAsyncEnumerator(cancellation);
        while (await GuardAsync($"list documents {folder}", () => keys.MoveNextAsync().AsTask(), cancellation)) yield return keys.Current;
    }

    public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation) =>
        GuardAsync($"read document {key}", () => inner.ReadDocumentAsync(key, cancellation), cancellation);

    public Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation) =>
        GuardAsync($"write document {key}", () => inner.WriteDocumentAsync(key, content, expectedETag, cancellation), cancellation);

    public Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation) =>
        GuardAsync($"delete document {key}", async () =>
        {
            await inner.DeleteDocumentAsync(key, expectedETag, cancellation);
            return true;
        }, cancellation);

    /// <summary>Whether an exception is a storage service's failure rather than the caller's or the writer's.</summary>
    public static bool IsServiceFailure(Exception e, CancellationToken cancellation) => e switch
    {
        Azure.RequestFailedException => true,
        Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException => true,
        Google.GoogleApiException or Google.Apis.Auth.OAuth2.Responses.TokenResponseException => true,
        HttpRequestException or TimeoutException => true,
        // An HTTP client's own time-out, not a cancellation anyone asked for.
        OperationCanceledException => !cancellation.IsCancellationRequested,
        // Azure's retry policy reports every failed attempt together.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(i => IsServiceFailure(i, cancellation)),
        _ => false,
    };

    private async Task<T> GuardAsync<T>(string operation, Func<Task<T>> call, CancellationToken cancellation)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (IsServiceFailure(e, cancellation))
        {
            throw new BlobStoreException($"{backend} storage could not {operation}: {Describe(e)}", e);
        }
    }

    private static string Describe(Exception e) =>
        e is AggregateException aggregate ? Describe(aggregate.InnerExceptions[^1]) : ExceptionText.FirstLine(e);
}

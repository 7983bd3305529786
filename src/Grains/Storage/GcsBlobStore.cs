using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Google;
using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;
using Nixery.Manifests;
using Object = Google.Apis.Storage.v1.Data.Object;

namespace Nixery.Storage;

/// <summary>
/// Blobs and documents in one Google Cloud Storage bucket, laid out as
/// <see cref="ObjectKeys"/> says.
/// <para>
/// Publishing: a resumable upload to the digest's name when the digest is
/// known in advance, else to a fresh staging name. The upload's final chunk
/// is sent only once the writer finished and the SHA-256 matched, so an
/// unfinished or rejected upload never becomes an object. Uploads carry
/// <c>ifGenerationMatch=0</c>: a published blob is never replaced. A staged
/// blob is then copied with the rewrite API, which the client repeats until
/// GCS reports it done and whose failure is an error (Nixery ignored the
/// rewrite's status, then deleted the source, and lost layers); the copy is
/// pinned to the staged generation, the result's size is checked, and only
/// then is the staging object deleted.
/// </para>
/// <para>
/// Documents use the object generation as their ETag, with
/// <c>ifGenerationMatch</c> preconditions on every write and delete, which
/// GCS enforces atomically.
/// </para>
/// </summary>
public sealed class GcsBlobStore : IBlobStore
{

    private readonly StorageClient _client;
    private readonly string _bucket;
    private readonly UrlSigner? _signer;
    private readonly UrlSigner.Options _signing;
    private readonly BlobDeliveryOptions _delivery;

    public GcsBlobStore(GcsStorageOptions options, BlobDeliveryOptions delivery)
    {
        _bucket = options.Bucket;
        _delivery = delivery;
        var builder = new StorageClientBuilder();
        if (!string.IsNullOrWhiteSpace(options.Endpoint)) builder.BaseUri = options.Endpoint;
        if (!string.IsNullOrWhiteSpace(options.CredentialsFile))
        {
            // Only a service-account key can sign URLs offline; other key
            // types still authenticate, and blobs are then proxied.
            var credential = CredentialFactory.FromFile<ICredential>(options.CredentialsFile);
            builder.Credential = credential is ServiceAccountCredential account
                ? account.ToGoogleCredential()
                : CredentialFactory.FromFile(options.CredentialsFile, JsonCredentialParameters.AuthorizedUserCredentialType);
            if (credential is ServiceAccountCredential signing) _signer = UrlSigner.FromCredential(signing);
        }
        else if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            // A test or private endpoint without a key: no credentials to find.
            builder.UnauthenticatedAccess = true;
        }
        _client = builder.Build();

        _signing = UrlSigner.Options.FromDuration(delivery.RedirectLifetime);
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            var endpoint = new Uri(options.Endpoint);
            // The port goes into the host: the signer leaves a separate port
            // out of the signed host header, which clients then send with it.
            _signing = _signing.WithScheme(endpoint.Scheme).WithHost(endpoint.Authority);
        }
    }

    public async Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation)
    {
        var name = expected is { } known ? ObjectKeys.Blob(known) : ObjectKeys.Staging();
        Object? uploaded = null;
        try
        {
            var blob = await VerifiedUpload.RunAsync(write, expected, async (content, token) =>
            {
                try
                {
                    uploaded = await _client.UploadObjectAsync(new Object { Bucket = _bucket, Name = name, ContentType = MediaTypes.OctetStream }, content,
                        new UploadObjectOptions { IfGenerationMatch = 0 }, token);
                }
                catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed && expected is not null)
                {
                    // Already published; its size is checked below.
                }
            }, cancellation);
            if (expected is null) await PublishAsync(uploaded!, blob, cancellation);
            var published = await SizeAsync(blob.Digest, cancellation);
            if (published != blob.Size)
                throw new IOException($"GCS did not publish blob {blob.Digest}: it has {published?.ToString() ?? "no"} bytes instead of {blob.Size}");
            return blob;
        }
        finally
        {
            if (uploaded is not null && expected is null) await RemoveStagingAsync(uploaded);
        }
    }

    public async Task<long?> SizeAsync(Digest digest, CancellationToken cancellation) =>
        (long?)(await ObjectAsync(ObjectKeys.Blob(digest), cancellation))?.Size;

    public async Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation)
    {
        var name = ObjectKeys.Blob(digest);
        if (await ObjectAsync(name, cancellation) is not { Size: { } size }) return null;
        if (_delivery.Redirects && _signer is not null) return await RedirectAsync(_signer, name, (long)size, cancellation);
        return new BlobLocation.Proxy((start, length, token) => OpenRangeAsync(name, start, length, token), (long)size);
    }

    /// <summary>A V4 signed URL is signed here with the service account's key: no request to GCS.</summary>
    public async ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation) =>
        _delivery.Redirects && _signer is not null ? await RedirectAsync(_signer, ObjectKeys.Blob(digest), size, cancellation) : null;

    private async Task<BlobLocation> RedirectAsync(UrlSigner signer, string name, long size, CancellationToken cancellation)
    {
        var url = await signer.SignAsync(
            UrlSigner.RequestTemplate.FromBucket(_bucket).WithObjectName(name).WithHttpMethod(HttpMethod.Get), _signing, cancellation);
        return new BlobLocation.Redirect(new Uri(url), size);
    }

    public async Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation)
    {
        var name = ObjectKeys.Blob(digest);
        if (await ObjectAsync(name, cancellation) is not { Size: { } size } || (long)size > maxLength) return null;
        var content = await DownloadAsync(name, null, cancellation);
        if (content is null) return null;
        return Digest.Sha256(content) == digest ? content : throw new InvalidDataException($"blob {digest} in GCS has other bytes");
    }

    public async Task DeleteAsync(Digest digest, CancellationToken cancellation)
    {
        try
        {
            await _client.DeleteObjectAsync(_bucket, ObjectKeys.Blob(digest), cancellationToken: cancellation);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var item in _client.ListObjectsAsync(_bucket, ObjectKeys.BlobsPrefix).WithCancellation(cancellation))
        {
            if (ObjectKeys.TryParseBlob(item.Name, out var digest)) yield return digest;
        }
    }

    public async IAsyncEnumerable<string> ListDocumentsAsync(string folder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var item in _client.ListObjectsAsync(_bucket, ObjectKeys.DocumentFolder(folder)).WithCancellation(cancellation))
            yield return ObjectKeys.DocumentKeyOf(item.Name);
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation)
    {
        var name = ObjectKeys.Document(key);
        // The metadata and the bytes are two requests; reading the bytes of
        // the generation just seen keeps them a pair. If that generation was
        // replaced in between, read again.
        for (var attempt = 0; ; attempt++)
        {
            if (await ObjectAsync(name, cancellation) is not { Generation: { } generation }) return null;
            var content = await DownloadAsync(name, generation, cancellation);
            if (content is not null) return new StoredDocument(content, generation.ToString());
            if (attempt == 3) throw new IOException($"GCS document {key} kept changing while it was read");
        }
    }

    public async Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation)
    {
        if (!TryGeneration(expectedETag, out var generation)) throw new DocumentConflictException(key);
        try
        {
            var written = await _client.UploadObjectAsync(
                new Object { Bucket = _bucket, Name = ObjectKeys.Document(key), ContentType = MediaTypes.OctetStream },
                new MemoryStream(content, writable: false),
                new UploadObjectOptions { IfGenerationMatch = generation },
                cancellation);
            return written.Generation!.Value.ToString();
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new DocumentConflictException(key);
        }
    }

    public async Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation)
    {
        if (!TryGeneration(expectedETag, out var generation)) throw new DocumentConflictException(key);
        try
        {
            await _client.DeleteObjectAsync(_bucket, ObjectKeys.Document(key),
                new DeleteObjectOptions { IfGenerationMatch = expectedETag is null ? null : generation }, cancellation);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new DocumentConflictException(key);
        }
    }

    /// <summary>
    /// Copies the verified staging object to its digest's name: pinned to the
    /// generation we uploaded, never over an existing blob (the same bytes,
    /// by content address, which clients may be downloading).
    /// </summary>
    private async Task PublishAsync(Object staged, BlobReference blob, CancellationToken cancellation)
    {
        if (await SizeAsync(blob.Digest, cancellation) == blob.Size) return;
        try
        {
            await _client.CopyObjectAsync(_bucket, staged.Name, _bucket, ObjectKeys.Blob(blob.Digest),
                new CopyObjectOptions { IfGenerationMatch = 0, IfSourceGenerationMatch = staged.Generation }, cancellation);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            // Already published; its size is checked by the caller.
        }
    }

    private async Task RemoveStagingAsync(Object staged)
    {
        try
        {
            await _client.DeleteObjectAsync(staged, new DeleteObjectOptions { IfGenerationMatch = staged.Generation });
        }
        catch (Exception e) when (ServiceFailureBoundary.IsServiceFailure(e, CancellationToken.None))
        {
            // Left for the bucket's lifecycle rule on staging/ (see README).
        }
    }

    /// <summary>
    /// A ranged media GET through the client's own authenticated HTTP client:
    /// the library only downloads into a stream it writes, and a proxy wants
    /// one it can read.
    /// </summary>
    private async Task<Stream> OpenRangeAsync(string name, long start, long? length, CancellationToken cancellation)
    {
        var url = $"{_client.Service.BaseUri}b/{Uri.EscapeDataString(_bucket)}/o/{Uri.EscapeDataString(name)}?alt=media";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(start, start + length - 1);
        var response = await _client.Service.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (!response.IsSuccessStatusCode)
        {
            response.Dispose();
            throw new HttpRequestException($"GCS answered {(int)response.StatusCode} to a read of {name}", null, response.StatusCode);
        }
        return await response.Content.ReadAsStreamAsync(cancellation);
    }

    private async Task<byte[]?> DownloadAsync(string name, long? generation, CancellationToken cancellation)
    {
        using var content = new MemoryStream();
        try
        {
            await _client.DownloadObjectAsync(_bucket, name, content,
                new DownloadObjectOptions { Generation = generation, DownloadValidationMode = DownloadValidationMode.Never }, cancellation);
            return content.ToArray();
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<Object?> ObjectAsync(string name, CancellationToken cancellation)
    {
        try
        {
            return await _client.GetObjectAsync(_bucket, name, cancellationToken: cancellation);
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>No ETag means "must not exist", which GCS spells generation 0.</summary>
    private static bool TryGeneration(string? etag, out long generation)
    {
        generation = 0;
        return etag is null || long.TryParse(etag, out generation);
    }
}

using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Nixery.Manifests;

namespace Nixery.Storage;

/// <summary>
/// Blobs and documents in one S3 bucket (AWS or an S3-compatible server),
/// laid out as <see cref="ObjectKeys"/> says.
/// <para>
/// Publishing: when the digest is known in advance (configs, manifests) the
/// bytes go straight to <c>blobs/sha256/&lt;hex&gt;</c>, otherwise (layers,
/// whose digest is known only at the end) to a fresh staging key. A blob
/// smaller than one part is sent as one PutObject, a larger one as a
/// multipart upload; either request is made, or the multipart upload
/// completed, only once the writer finished and the SHA-256 matched, so
/// nothing is visible before. Concurrent multipart uploads of one key are
/// independent in S3, so two silos publishing the same blob cannot break
/// each other. A staged blob is then copied server-side to its digest's key
/// unless a blob of that size is already there, and the staging key is
/// deleted. On failure the multipart upload is aborted and staging deleted.
/// </para>
/// <para>
/// Documents: writes send <c>If-Match</c> (or <c>If-None-Match: *</c>),
/// which AWS S3 enforces atomically since 2024. Before writing, the current
/// ETag is also compared, which catches a stale ETag on servers that ignore
/// conditional writes (s3rver, older MinIO), but not two writers racing
/// within one round trip there. Orleans keeps one activation per grain, so
/// such races need a split cluster.
/// </para>
/// </summary>
public sealed class S3BlobStore : IBlobStore
{
    private const int PartBytes = 8 << 20;

    /// <summary>S3's limit for a single CopyObject; larger objects are copied in parts.</summary>
    private const long CopyLimit = 5L << 30;

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly bool _redirects;
    private readonly BlobDeliveryOptions _delivery;
    private readonly Protocol _urlProtocol;

    public S3BlobStore(S3StorageOptions options, BlobDeliveryOptions delivery)
        : this(new AmazonS3Client(Config(options)), options, delivery)
    {
    }

    public S3BlobStore(IAmazonS3 s3, S3StorageOptions options, BlobDeliveryOptions delivery)
    {
        _s3 = s3;
        _bucket = options.Bucket;
        _redirects = options.UsePresignedUrls && delivery.Redirects;
        _delivery = delivery;
        _urlProtocol = options.Endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        if (!string.IsNullOrWhiteSpace(options.Endpoint) && s3 is AmazonServiceClient client) client.BeforeRequestEvent += SpellCopySourcePlainly;
    }

    /// <summary>
    /// The SDK percent-encodes the whole copy source, including the '/'
    /// between bucket and key; AWS decodes it, but some S3-compatible
    /// servers (s3rver) only split on a literal '/'. Our keys need no
    /// encoding, so the plain form is the same name. Runs before signing.
    /// </summary>
    private static void SpellCopySourcePlainly(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs { Headers: { } headers } && headers.TryGetValue("x-amz-copy-source", out var source))
            headers["x-amz-copy-source"] = Uri.UnescapeDataString(source);
    }

    public static AmazonS3Config Config(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            // The SDK's default CRC trailers use aws-chunked bodies, which
            // many S3-compatible servers store verbatim; blobs are verified
            // by their SHA-256 here anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = true;
        }
        return config;
    }

    public async Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation)
    {
        var key = expected is { } known ? ObjectKeys.Blob(known) : ObjectKeys.Staging();
        var stored = false;
        try
        {
            var blob = await VerifiedUpload.RunAsync(write, expected, async (content, token) =>
            {
                await UploadAsync(key, content, token);
                stored = true;
            }, cancellation);
            if (expected is null) await PublishAsync(key, blob, cancellation);
            return blob;
        }
        finally
        {
            if (stored && expected is null) await RemoveStagingAsync(key);
        }
    }

    public async Task<long?> SizeAsync(Digest digest, CancellationToken cancellation) =>
        await SizeOfAsync(ObjectKeys.Blob(digest), cancellation);

    public async Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation)
    {
        var key = ObjectKeys.Blob(digest);
        if (await SizeOfAsync(key, cancellation) is not { } size) return null;
        if (_redirects) return await RedirectAsync(key, size);
        return new BlobLocation.Proxy(async (start, length, token) =>
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                ByteRange = length is { } count ? new ByteRange(start, start + count - 1) : new ByteRange($"bytes={start}-"),
            }, token);
            // Disposing the body releases the response and its connection.
            return response.ResponseStream;
        }, size);
    }

    /// <summary>A presigned URL is computed here, from the key: no request to S3.</summary>
    public async ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation) =>
        _redirects ? await RedirectAsync(ObjectKeys.Blob(digest), size) : null;

    private async Task<BlobLocation> RedirectAsync(string key, long size)
    {
        var url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Protocol = _urlProtocol,
            Expires = DateTime.UtcNow.Add(_delivery.RedirectLifetime),
        });
        return new BlobLocation.Redirect(new Uri(url), size);
    }

    public async Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation)
    {
        var key = ObjectKeys.Blob(digest);
        if (await SizeOfAsync(key, cancellation) is not { } size || size > maxLength) return null;
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, key, cancellation);
            var content = new byte[response.ContentLength];
            await response.ResponseStream.ReadExactlyAsync(content, cancellation);
            return Digest.Sha256(content) == digest ? content : throw new InvalidDataException($"blob {digest} in S3 has other bytes");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(Digest digest, CancellationToken cancellation) =>
        await _s3.DeleteObjectAsync(_bucket, ObjectKeys.Blob(digest), cancellation);

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = ObjectKeys.BlobsPrefix };
        do
        {
            var page = await _s3.ListObjectsV2Async(request, cancellation);
            foreach (var item in page.S3Objects ?? [])
            {
                if (ObjectKeys.TryParseBlob(item.Key, out var digest)) yield return digest;
            }
            request.ContinuationToken = page.NextContinuationToken;
            if (page.IsTruncated != true) break;
        }
        while (true);
    }

    public async IAsyncEnumerable<string> ListDocumentsAsync(string folder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = ObjectKeys.DocumentFolder(folder) };
        do
        {
            var page = await _s3.ListObjectsV2Async(request, cancellation);
            foreach (var item in page.S3Objects ?? []) yield return ObjectKeys.DocumentKeyOf(item.Key);
            request.ContinuationToken = page.NextContinuationToken;
            if (page.IsTruncated != true) break;
        }
        while (true);
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, ObjectKeys.Document(key), cancellation);
            var content = new byte[response.ContentLength];
            await response.ResponseStream.ReadExactlyAsync(content, cancellation);
            return new StoredDocument(content, response.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation)
    {
        var name = ObjectKeys.Document(key);
        if (await ETagOfAsync(name, cancellation) != expectedETag) throw new DocumentConflictException(key);
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = name,
            InputStream = new MemoryStream(content, writable: false),
            ContentType = MediaTypes.OctetStream,
            UseChunkEncoding = false,
        };
        if (expectedETag is null) request.IfNoneMatch = "*";
        else request.IfMatch = expectedETag;
        try
        {
            return (await _s3.PutObjectAsync(request, cancellation)).ETag;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw new DocumentConflictException(key);
        }
    }

    public async Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation)
    {
        var name = ObjectKeys.Document(key);
        var current = await ETagOfAsync(name, cancellation);
        if (current is null) return;
        if (expectedETag is not null && current != expectedETag) throw new DocumentConflictException(key);
        var request = new DeleteObjectRequest { BucketName = _bucket, Key = name };
        if (expectedETag is not null) request.IfMatch = expectedETag;
        try
        {
            await _s3.DeleteObjectAsync(request, cancellation);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw new DocumentConflictException(key);
        }
    }

    /// <summary>
    /// One PutObject for a blob that fits in a part, else a multipart upload.
    /// Either way the last request (PutObject or CompleteMultipartUpload) is
    /// sent only after the content stream ended, that is, after verification.
    /// </summary>
    private async Task UploadAsync(string key, Stream content, CancellationToken cancellation)
    {
        var buffer = new byte[PartBytes];
        var read = await VerifiedUpload.FillAsync(content, buffer, cancellation);
        if (read < buffer.Length)
        {
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket,
                Key = key,
                InputStream = new MemoryStream(buffer, 0, read, writable: false),
                ContentType = MediaTypes.OctetStream,
                UseChunkEncoding = false,
            }, cancellation);
            return;
        }

        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _bucket,
            Key = key,
            ContentType = MediaTypes.OctetStream,
        }, cancellation);
        try
        {
            var parts = new List<PartETag>();
            while (read > 0)
            {
                var part = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, read, writable: false),
                    PartSize = read,
                    UseChunkEncoding = false,
                }, cancellation);
                parts.Add(new PartETag(parts.Count + 1, part.ETag));
                if (read < buffer.Length) break;
                read = await VerifiedUpload.FillAsync(content, buffer, cancellation);
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellation);
        }
        catch
        {
            await AbortAsync(key, upload.UploadId);
            throw;
        }
    }

    /// <summary>
    /// Copies a verified staging object to its digest's key, unless a blob of
    /// the same size is already there (the same bytes, by content address).
    /// A failed copy changes nothing at the destination: S3 copies are atomic.
    /// </summary>
    private async Task PublishAsync(string staging, BlobReference blob, CancellationToken cancellation)
    {
        var target = ObjectKeys.Blob(blob.Digest);
        if (await SizeOfAsync(target, cancellation) == blob.Size) return;
        if (blob.Size <= CopyLimit)
        {
            await _s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = staging,
                DestinationBucket = _bucket,
                DestinationKey = target,
                ContentType = MediaTypes.OctetStream,
                MetadataDirective = S3MetadataDirective.REPLACE,
            }, cancellation);
        }
        else
        {
            await CopyInPartsAsync(staging, target, blob.Size, cancellation);
        }
        var published = await SizeOfAsync(target, cancellation);
        if (published != blob.Size)
            throw new IOException($"S3 did not publish blob {blob.Digest}: it has {published?.ToString() ?? "no"} bytes instead of {blob.Size}");
    }

    private async Task CopyInPartsAsync(string source, string target, long size, CancellationToken cancellation)
    {
        const long partBytes = 1L << 30;
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = target }, cancellation);
        try
        {
            var parts = new List<PartETag>();
            for (long start = 0; start < size; start += partBytes)
            {
                var copied = await _s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = _bucket,
                    SourceKey = source,
                    DestinationBucket = _bucket,
                    DestinationKey = target,
                    UploadId = upload.UploadId,
                    PartNumber = parts.Count + 1,
                    FirstByte = start,
                    LastByte = Math.Min(start + partBytes, size) - 1,
                }, cancellation);
                parts.Add(new PartETag(parts.Count + 1, copied.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket,
                Key = target,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellation);
        }
        catch
        {
            await AbortAsync(target, upload.UploadId);
            throw;
        }
    }

    /// <summary>
    /// Best effort, so that the upload's own failure is what the caller sees.
    /// Some S3-compatible servers cannot abort (s3rver answers 405); a bucket
    /// lifecycle rule (AbortIncompleteMultipartUpload) is the backstop.
    /// </summary>
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(_bucket, key, uploadId);
        }
        catch (Exception e) when (ServiceFailureBoundary.IsServiceFailure(e, CancellationToken.None))
        {
        }
    }

    private async Task RemoveStagingAsync(string key)
    {
        try
        {
            await _s3.DeleteObjectAsync(_bucket, key);
        }
        catch (Exception e) when (ServiceFailureBoundary.IsServiceFailure(e, CancellationToken.None))
        {
            // Left for a lifecycle rule on staging/ (see README).
        }
    }

    private async Task<long?> SizeOfAsync(string key, CancellationToken cancellation) =>
        (await MetadataAsync(key, cancellation))?.ContentLength;

    private async Task<string?> ETagOfAsync(string key, CancellationToken cancellation) =>
        (await MetadataAsync(key, cancellation))?.ETag;

    private async Task<GetObjectMetadataResponse?> MetadataAsync(string key, CancellationToken cancellation)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(_bucket, key, cancellation);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

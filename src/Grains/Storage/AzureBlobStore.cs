using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;

namespace Nixery.Storage;

/// <summary>
/// Blobs and documents in one Azure Blob Storage container, laid out as
/// <see cref="ObjectKeys"/> says.
/// <para>
/// Publishing: the bytes are staged as blocks of a fresh staging blob. Staged
/// blocks are invisible; the block list is committed only after the writer
/// finished and the SHA-256 matched. The committed staging blob is then
/// copied server-side to <c>blobs/sha256/&lt;hex&gt;</c> on the condition
/// that no blob exists there (a published blob is never replaced), the copy
/// is waited for and checked, and the staging blob is deleted. Blocks are not
/// staged on the final name directly, even when the digest is known in
/// advance: committing a block list discards every other uncommitted block
/// of that blob, so two silos uploading the same layer would break each
/// other's uploads.
/// </para>
/// <para>
/// Documents use the blob's ETag: writes carry <c>If-Match</c> (or
/// <c>If-None-Match: *</c> to create), so concurrent writers cannot lose
/// each other's updates.
/// </para>
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private const int BlockBytes = 8 << 20;

    private readonly BlobContainerClient _container;
    private readonly BlobDeliveryOptions _delivery;
    private Task? _containerReady;

    public AzureBlobStore(AzureStorageOptions options, BlobDeliveryOptions delivery)
        : this(new BlobContainerClient(options.ConnectionString, options.Container, ClientOptions()), delivery)
    {
    }

    /// <summary>
    /// Retries bounded so that a storage service that is down fails a call within seconds. The SDK's
    /// own (five retries from 0.8 s, doubling) spend about 25 s on an endpoint that refuses
    /// connections, longer than a grain call may take (15 s): the grains' callers saw time-outs,
    /// which they retry as a lost silo, for minutes, instead of a storage error they answer with 503.
    /// </summary>
    private static BlobClientOptions ClientOptions() => new()
    {
        Retry = { MaxRetries = 3, Delay = TimeSpan.FromMilliseconds(500), MaxDelay = TimeSpan.FromSeconds(4) },
    };

    public AzureBlobStore(BlobContainerClient container, BlobDeliveryOptions delivery)
    {
        _container = container;
        _delivery = delivery;
    }

    public async Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        var staging = _container.GetBlockBlobClient(ObjectKeys.Staging());
        var staged = false;
        var committed = false;
        try
        {
            var blob = await VerifiedUpload.RunAsync(write, expected, async (content, token) =>
            {
                var blocks = new List<string>();
                var buffer = new byte[BlockBytes];
                while (true)
                {
                    var read = await VerifiedUpload.FillAsync(content, buffer, token);
                    if (read > 0)
                    {
                        // Fixed-width ids: Azure requires every id of a blob to have the same length.
                        var id = Convert.ToBase64String(BitConverter.GetBytes((long)blocks.Count));
                        staged = true;
                        await staging.StageBlockAsync(id, new MemoryStream(buffer, 0, read, writable: false), cancellationToken: token);
                        blocks.Add(id);
                    }
                    if (read < buffer.Length) break;
                }
                // Reaching here means the stream ended: the bytes are complete and verified.
                await staging.CommitBlockListAsync(blocks, cancellationToken: token);
                committed = true;
            }, cancellation);
            await PublishAsync(staging, blob, cancellation);
            return blob;
        }
        finally
        {
            await RemoveStagingAsync(staging, staged, committed);
        }
    }

    public async Task<long?> SizeAsync(Digest digest, CancellationToken cancellation) =>
        (await PropertiesAsync(BlobClient(digest), cancellation))?.ContentLength;

    public async Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation)
    {
        var blob = BlobClient(digest);
        if (await PropertiesAsync(blob, cancellation) is not { } properties) return null;
        // A SAS needs the account key; a connection string without one can only proxy.
        if (_delivery.Redirects && blob.CanGenerateSasUri)
            return new BlobLocation.Redirect(blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.Add(_delivery.RedirectLifetime)), properties.ContentLength);
        return new BlobLocation.Proxy(async (start, length, token) =>
        {
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(start, length) }, token);
            return download.Value.Content;
        }, properties.ContentLength);
    }

    /// <summary>A SAS is signed here with the account key: no request to Azure.</summary>
    public ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation)
    {
        var blob = BlobClient(digest);
        return ValueTask.FromResult<BlobLocation?>(_delivery.Redirects && blob.CanGenerateSasUri
            ? new BlobLocation.Redirect(blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.Add(_delivery.RedirectLifetime)), size)
            : null);
    }

    public async Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation)
    {
        var blob = BlobClient(digest);
        if (await PropertiesAsync(blob, cancellation) is not { } properties || properties.ContentLength > maxLength) return null;
        try
        {
            var content = (await blob.DownloadContentAsync(cancellation)).Value.Content.ToArray();
            return Digest.Sha256(content) == digest ? content : throw new InvalidDataException($"blob {digest} in Azure has other bytes");
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(Digest digest, CancellationToken cancellation) =>
        await BlobClient(digest).DeleteIfExistsAsync(cancellationToken: cancellation);

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = ObjectKeys.BlobsPrefix }, cancellation))
        {
            if (ObjectKeys.TryParseBlob(item.Name, out var digest)) yield return digest;
        }
    }

    public async IAsyncEnumerable<string> ListDocumentsAsync(string folder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = ObjectKeys.DocumentFolder(folder) }, cancellation))
            yield return ObjectKeys.DocumentKeyOf(item.Name);
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        try
        {
            var download = (await _container.GetBlobClient(ObjectKeys.Document(key)).DownloadContentAsync(cancellation)).Value;
            return new StoredDocument(download.Content.ToArray(), download.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        var conditions = expectedETag is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(expectedETag) };
        try
        {
            var written = await _container.GetBlobClient(ObjectKeys.Document(key))
                .UploadAsync(new BinaryData(content), new BlobUploadOptions { Conditions = conditions }, cancellation);
            return written.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new DocumentConflictException(key);
        }
    }

    public async Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation)
    {
        await EnsureContainerAsync();
        var conditions = expectedETag is null ? null : new BlobRequestConditions { IfMatch = new ETag(expectedETag) };
        try
        {
            await _container.GetBlobClient(ObjectKeys.Document(key)).DeleteIfExistsAsync(conditions: conditions, cancellationToken: cancellation);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Gone already is what the caller wanted; changed by someone else is a conflict.
            if (await ReadDocumentAsync(key, cancellation) is not null) throw new DocumentConflictException(key);
        }
    }

    /// <summary>
    /// Copies the verified staging blob to its digest's name unless a blob is
    /// already there: content addressing makes that blob the same bytes, and
    /// replacing it would disturb clients downloading it.
    /// </summary>
    private async Task PublishAsync(BlockBlobClient staging, BlobReference blob, CancellationToken cancellation)
    {
        var target = BlobClient(blob.Digest);
        try
        {
            var copy = await target.StartCopyFromUriAsync(staging.Uri,
                new BlobCopyFromUriOptions { DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellation);
            await copy.WaitForCompletionAsync(cancellation);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Published by someone else meanwhile; checked below like our own copy.
        }
        var properties = await PropertiesAsync(target, cancellation);
        if (properties is null || properties.ContentLength != blob.Size || properties.CopyStatus is CopyStatus.Failed or CopyStatus.Aborted)
        {
            throw new IOException($"Azure did not publish blob {blob.Digest}: it has {properties?.ContentLength.ToString() ?? "no"} bytes"
                + $" (copy {properties?.CopyStatus.ToString() ?? "missing"}) instead of {blob.Size}");
        }
    }

    /// <summary>
    /// Best effort: a failure here must not hide the upload's own outcome.
    /// Committing an empty block list first discards blocks that were staged
    /// but never committed, which deleting alone would leave behind.
    /// </summary>
    private static async Task RemoveStagingAsync(BlockBlobClient staging, bool staged, bool committed)
    {
        if (!staged && !committed) return;
        try
        {
            if (!committed) await staging.CommitBlockListAsync([]);
            await staging.DeleteIfExistsAsync();
        }
        catch (Exception e) when (ServiceFailureBoundary.IsServiceFailure(e, CancellationToken.None))
        {
            // Left for the container's lifecycle rule on staging/ (see README).
        }
    }

    private static async Task<BlobProperties?> PropertiesAsync(BlobClient blob, CancellationToken cancellation)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellation)).Value;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private BlobClient BlobClient(Digest digest) => _container.GetBlobClient(ObjectKeys.Blob(digest));

    /// <summary>Once per process: an operator may name a container that does not exist yet.</summary>
    private Task EnsureContainerAsync()
    {
        var ready = _containerReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled) _containerReady = ready = _container.CreateIfNotExistsAsync();
        return ready;
    }
}

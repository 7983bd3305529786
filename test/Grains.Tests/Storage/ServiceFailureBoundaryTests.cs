using Nixery.Images;
using Nixery.Packing;
using Nixery.Storage;

namespace Nixery.Tests.Storage;

/// <summary>
/// The SDKs' failures leave a backend as <see cref="BlobStoreException"/>,
/// an IOException, so the pipeline reports them as storage failures
/// instead of internal errors.
/// </summary>
[Trait("Category", "Unit")]
public class ServiceFailureBoundaryTests
{
    public static TheoryData<Exception> ServiceFailures => new()
    {
        new Azure.RequestFailedException(503, "Service Unavailable"),
        new AggregateException(new Azure.RequestFailedException(500, "Internal"), new Azure.RequestFailedException(503, "Busy")),
        new Amazon.S3.AmazonS3Exception("SlowDown"),
        new Amazon.Runtime.AmazonClientException("no credentials"),
        new Google.GoogleApiException("storage", "rateLimitExceeded"),
        new HttpRequestException("connection refused"),
        new TaskCanceledException("HttpClient.Timeout elapsed"),
    };

    [Theory]
    [MemberData(nameof(ServiceFailures))]
    public async Task A_service_failure_becomes_a_storage_exception_naming_the_backend(Exception failure)
    {
        var store = new ServiceFailureBoundary(new FailingStore(failure), "azure");
        var thrown = await Assert.ThrowsAsync<BlobStoreException>(() => store.SizeAsync(Digest.Sha256("x"u8), CancellationToken.None));
        Assert.IsAssignableFrom<IOException>(thrown);
        Assert.StartsWith("azure storage could not look up blob sha256:", thrown.Message);
        Assert.Same(failure, thrown.InnerException);
    }

    [Fact]
    public async Task A_writer_failure_passes_through_unchanged()
    {
        var store = new ServiceFailureBoundary(new FileSystemBlobStore(Path.Combine(Path.GetTempPath(), "nixery-test-" + Guid.NewGuid().ToString("N"))), "filesystem");
        var failure = new InvalidOperationException("the packer failed");
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync((_, _) => throw failure, null, CancellationToken.None)));
    }

    [Fact]
    public async Task Cancellation_asked_for_is_not_a_storage_failure()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var store = new ServiceFailureBoundary(new FailingStore(new OperationCanceledException(cancel.Token)), "s3");
        await Assert.ThrowsAsync<OperationCanceledException>(() => store.SizeAsync(Digest.Sha256("x"u8), cancel.Token));
    }

    [Fact]
    public async Task A_failing_service_fails_a_layer_as_a_storage_failure()
    {
        var store = new ServiceFailureBoundary(new FailingStore(new Amazon.S3.AmazonS3Exception("Access Denied")), "s3");
        var failed = await Assert.ThrowsAsync<BuildFailedException>(() =>
            new LayerPublisher(store).PublishAsync([TarEntry.Directory("etc", UnixFileMode.UserRead | UnixFileMode.UserExecute)], CancellationToken.None));
        Assert.Equal(BuildErrorKind.StorageFailed, failed.Error.Kind);
        Assert.Contains("s3 storage could not store a blob: Access Denied", failed.Error.Message);
    }

    private sealed class FailingStore(Exception failure) : IBlobStore
    {
        public Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation) => Task.FromException<BlobReference>(failure);
        public Task<long?> SizeAsync(Digest digest, CancellationToken cancellation) => Task.FromException<long?>(failure);
        public Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation) => Task.FromException<BlobLocation?>(failure);
        public ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation) => ValueTask.FromException<BlobLocation?>(failure);
        public Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation) => Task.FromException<byte[]?>(failure);
        public Task DeleteAsync(Digest digest, CancellationToken cancellation) => Task.FromException(failure);
        public IAsyncEnumerable<Digest> ListAsync(CancellationToken cancellation) => throw failure;
        public Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation) => Task.FromException<StoredDocument?>(failure);
        public Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation) => Task.FromException<string>(failure);
        public Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation) => Task.FromException(failure);
        public IAsyncEnumerable<string> ListDocumentsAsync(string folder, CancellationToken cancellation) => throw failure;
    }
}

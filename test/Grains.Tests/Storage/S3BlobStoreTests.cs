using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Nixery.Storage;
using Nixery.StorageServers;

namespace Nixery.Tests.Storage;

/// <summary>The S3 backend against s3rver, redirecting clients to presigned URLs.</summary>
[Collection("s3rver")]
public sealed class S3BlobStoreRedirectTests(S3rverFixture s3rver) : RedirectingBlobStoreContract
{
    private readonly string _bucket = S3Stores.NewBucketName();

    protected override Task<IBlobStore> CreateStoreAsync() => S3Stores.CreateAsync(s3rver, _bucket, new BlobDeliveryOptions());

    /// <summary>s3rver: AccessDenied, "Request has expired" (a bad signature is SignatureDoesNotMatch).</summary>
    protected override string ExpiredRefusal => "Request has expired";

    protected override Task<IBlobStore> WithRedirectLifetimeAsync(TimeSpan lifetime) =>
        S3Stores.CreateAsync(s3rver, _bucket, new BlobDeliveryOptions { RedirectLifetimeSeconds = (int)lifetime.TotalSeconds });

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => S3Stores.LeftoversAsync(s3rver, _bucket);

    /// <summary>
    /// s3rver checks a presigned URL's access key and expiry but not its
    /// SigV4 signature, so the signature is checked here instead, by AWS's
    /// published algorithm, with the secret the URL must be signed with.
    /// </summary>
    protected override Task AssertRefusedAsync(string url)
    {
        Assert.False(SigV4.IsValidPresignedGet(new Uri(url), S3rver.SecretKey), $"{url} has a valid signature");
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_presigned_url_carries_a_valid_signature_for_its_blob()
    {
        var stored = await Store.PutAsync(Writing([4, 5, 6]), null, None);
        var redirect = Assert.IsType<BlobLocation.Redirect>(await Store.LocateAsync(stored.Digest, None));
        Assert.True(SigV4.IsValidPresignedGet(redirect.Url, S3rver.SecretKey), $"{redirect.Url} is not validly signed");
        Assert.Contains($"/{_bucket}/blobs/sha256/{stored.Digest.Hex}?", redirect.Url.ToString());
        var lifetime = int.Parse(System.Text.RegularExpressions.Regex.Match(redirect.Url.Query, "X-Amz-Expires=([0-9]+)").Groups[1].Value);
        Assert.InRange(lifetime, 290, 310);
    }

    [Fact]
    public async Task A_refused_request_is_a_storage_failure_naming_the_backend()
    {
        var options = S3Stores.Options(s3rver, _bucket);
        var store = new ServiceFailureBoundary(
            new S3BlobStore(new AmazonS3Client(new BasicAWSCredentials("NOBODY", "wrong"), S3BlobStore.Config(options)), options, new()), "s3");
        var failure = await Assert.ThrowsAsync<BlobStoreException>(() => store.WriteDocumentAsync("grains/x", [1], null, None));
        Assert.StartsWith("s3 storage could not write document grains/x:", failure.Message);
    }

    [Fact]
    public async Task Presigned_urls_can_be_turned_off()
    {
        var options = S3Stores.Options(s3rver, _bucket);
        options.UsePresignedUrls = false;
        var store = new S3BlobStore(S3Stores.Client(s3rver, options), options, new BlobDeliveryOptions());
        var stored = await store.PutAsync(Writing([1, 2, 3]), null, None);
        Assert.IsType<BlobLocation.Proxy>(await store.LocateAsync(stored.Digest, None));
    }
}

/// <summary>The S3 backend against s3rver, streaming blobs through the registry.</summary>
[Collection("s3rver")]
public sealed class S3BlobStoreProxyTests(S3rverFixture s3rver) : BlobStoreContract
{
    private readonly string _bucket = S3Stores.NewBucketName();

    protected override Type LocationKind => typeof(BlobLocation.Proxy);

    protected override Task<IBlobStore> CreateStoreAsync() => S3Stores.CreateAsync(s3rver, _bucket, new BlobDeliveryOptions { Redirects = false });

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => S3Stores.LeftoversAsync(s3rver, _bucket);
}

internal static class S3Stores
{
    public static string NewBucketName() => "test-" + Guid.NewGuid().ToString("N")[..20];

    public static S3StorageOptions Options(S3rverFixture s3rver, string bucket) => new() { Bucket = bucket, Endpoint = s3rver.Server.Endpoint };

    public static IAmazonS3 Client(S3rverFixture s3rver, S3StorageOptions options) =>
        new AmazonS3Client(new BasicAWSCredentials(S3rver.AccessKey, S3rver.SecretKey), S3BlobStore.Config(options));

    public static async Task<IBlobStore> CreateAsync(S3rverFixture s3rver, string bucket, BlobDeliveryOptions delivery)
    {
        var options = Options(s3rver, bucket);
        var client = Client(s3rver, options);
        if (!await BucketExistsAsync(client, bucket)) await client.PutBucketAsync(bucket);
        return new ServiceFailureBoundary(new S3BlobStore(client, options, delivery), "s3");
    }

    /// <summary>
    /// Objects outside blobs/ and documents/. s3rver cannot list (or abort)
    /// multipart uploads, so unfinished ones are not seen here.
    /// </summary>
    public static async Task<IReadOnlyList<string>> LeftoversAsync(S3rverFixture s3rver, string bucket)
    {
        var client = Client(s3rver, Options(s3rver, bucket));
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        return (listed.S3Objects ?? []).Select(o => o.Key)
            .Where(k => !k.StartsWith(ObjectKeys.BlobsPrefix, StringComparison.Ordinal) && !k.StartsWith(ObjectKeys.DocumentsPrefix, StringComparison.Ordinal))
            .ToList();
    }

    private static async Task<bool> BucketExistsAsync(IAmazonS3 client, string bucket) =>
        (await client.ListBucketsAsync()).Buckets?.Any(b => b.BucketName == bucket) == true;
}

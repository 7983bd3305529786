using Amazon.Runtime;
using Amazon.S3;
using Nixery.Storage;
using Nixery.StorageServers;

namespace Nixery.EndToEnd.Tests.Storage;

public sealed class AzuriteRegistryFixture : AzureFixtureBase
{
    public override bool Redirects => true;
}

public sealed class AzuriteProxyRegistryFixture : AzureFixtureBase
{
    public override bool Redirects => false;
}

public abstract class AzureFixtureBase : ObjectStorageRegistryFixture
{
    private Azurite _azurite = null!;
    private string _container = "";

    public override IBlobStore Storage => new AzureBlobStore(new AzureStorageOptions { ConnectionString = _azurite.ConnectionString, Container = _container }, new BlobDeliveryOptions());

    public override string StorageOrigin => new Azure.Storage.Blobs.BlobServiceClient(_azurite.ConnectionString).Uri.GetLeftPart(UriPartial.Authority);

    protected override async Task<IReadOnlyDictionary<string, string>> StartStorageAsync(string bucket)
    {
        _azurite = await Azurite.StartAsync();
        _container = bucket;
        return new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "azure",
            ["NIXERY_AZURE_CONNECTION_STRING"] = _azurite.ConnectionString,
            ["NIXERY_AZURE_CONTAINER"] = bucket,
            ["NIXERY_STORAGE_REDIRECTS"] = Redirects ? "true" : "false",
        };
    }

    protected override ValueTask StopStorageAsync() => _azurite.DisposeAsync();
}

public sealed class S3rverRegistryFixture : S3FixtureBase
{
    public override bool Redirects => true;
}

/// <summary>Redirects, and storage asked again whether a known blob exists once it was last seen a second ago.</summary>
public sealed class S3rverRecheckRegistryFixture : S3FixtureBase
{
    public override bool Redirects => true;

    public override int RedirectRecheckSeconds => 1;
}

public sealed class S3rverProxyRegistryFixture : S3FixtureBase
{
    public override bool Redirects => false;
}

public abstract class S3FixtureBase : ObjectStorageRegistryFixture
{
    private S3rver _s3rver = null!;
    private S3StorageOptions _options = null!;

    public override IBlobStore Storage =>
        new S3BlobStore(new AmazonS3Client(new BasicAWSCredentials(S3rver.AccessKey, S3rver.SecretKey), S3BlobStore.Config(_options)), _options, new BlobDeliveryOptions());

    public override string StorageOrigin => _s3rver.Endpoint;

    protected override async Task<IReadOnlyDictionary<string, string>> StartStorageAsync(string bucket)
    {
        _s3rver = await S3rver.StartAsync();
        var options = _options = new S3StorageOptions { Bucket = bucket, Endpoint = _s3rver.Endpoint };
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3rver.AccessKey, S3rver.SecretKey), S3BlobStore.Config(options));
        await client.PutBucketAsync(bucket);
        return new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "s3",
            ["S3_BUCKET"] = bucket,
            ["NIXERY_S3_ENDPOINT"] = _s3rver.Endpoint,
            ["AWS_ACCESS_KEY_ID"] = S3rver.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rver.SecretKey,
            ["S3_USE_PRESIGNED_URLS"] = Redirects ? "true" : "false",
        };
    }

    protected override ValueTask StopStorageAsync() => _s3rver.DisposeAsync();
}

/// <summary>The GCS stand-in (a fake written for these tests, not GCS) with a service-account key: signed redirects.</summary>
public sealed class GcsStandInRegistryFixture : GcsStandInFixtureBase
{
    public override bool Redirects => true;
}

/// <summary>The GCS stand-in (a fake, not GCS) without a key: nothing to sign with, so blobs are proxied.</summary>
public sealed class GcsStandInProxyRegistryFixture : GcsStandInFixtureBase
{
    public override bool Redirects => false;
}

public abstract class GcsStandInFixtureBase : ObjectStorageRegistryFixture
{
    private GcsStandIn _standIn = null!;
    private string? _keyFile;
    private string _bucket = "";

    public override IBlobStore Storage =>
        new GcsBlobStore(new GcsStorageOptions { Bucket = _bucket, Endpoint = _standIn.Endpoint, CredentialsFile = _keyFile ?? "" }, new BlobDeliveryOptions());

    public override string StorageOrigin => _standIn.Root.GetLeftPart(UriPartial.Authority);

    protected override async Task<IReadOnlyDictionary<string, string>> StartStorageAsync(string bucket)
    {
        _standIn = await GcsStandIn.StartAsync();
        _standIn.CreateBucket(bucket);
        _bucket = bucket;
        var environment = new Dictionary<string, string>
        {
            ["NIXERY_STORAGE_BACKEND"] = "gcs",
            ["GCS_BUCKET"] = bucket,
            ["NIXERY_GCS_ENDPOINT"] = _standIn.Endpoint,
        };
        if (Redirects)
        {
            _standIn.RequireAuthentication = true;
            _keyFile = _standIn.Accounts.CreateKeyFile(Path.GetTempPath(), _standIn.TokenUri);
            environment["GOOGLE_APPLICATION_CREDENTIALS"] = _keyFile;
        }
        return environment;
    }

    protected override async ValueTask StopStorageAsync()
    {
        await _standIn.DisposeAsync();
        if (_keyFile is not null) File.Delete(_keyFile);
    }
}

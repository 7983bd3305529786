using Nixery.Storage;
using Nixery.StorageServers;

namespace Nixery.Tests.Storage;

/// <summary>
/// The GCS backend against the GCS stand-in, a fake written for these tests
/// (not Google Cloud Storage), with a service-account key: API calls carry
/// tokens from the key, and clients are redirected to V4 signed URLs.
/// </summary>
public sealed class GcsStandInBlobStoreRedirectTests(GcsStandInFixture standIn) : RedirectingBlobStoreContract, IClassFixture<GcsStandInFixture>
{
    private readonly string _bucket = GcsStores.NewBucketName(standIn);
    private readonly string _keyFile = standIn.Server.Accounts.CreateKeyFile(Path.GetTempPath(), standIn.Server.TokenUri);

    protected override Task<IBlobStore> CreateStoreAsync()
    {
        standIn.Server.RequireAuthentication = true;
        return Task.FromResult(GcsStores.Create(standIn, _bucket, _keyFile, new BlobDeliveryOptions()));
    }

    /// <summary>The stand-in, as GCS: ExpiredToken (a bad signature is SignatureDoesNotMatch).</summary>
    protected override string ExpiredRefusal => "ExpiredToken";

    protected override Task<IBlobStore> WithRedirectLifetimeAsync(TimeSpan lifetime) =>
        Task.FromResult(GcsStores.Create(standIn, _bucket, _keyFile, new BlobDeliveryOptions { RedirectLifetimeSeconds = (int)lifetime.TotalSeconds }));

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => GcsStores.LeftoversAsync(standIn, _bucket);

    public override Task DisposeAsync()
    {
        File.Delete(_keyFile);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_failed_rewrite_publishes_nothing_and_loses_nothing_published()
    {
        var published = Content(2 << 20, seed: 50);
        var stored = await Store.PutAsync(Writing(published), null, None);
        standIn.Server.FailRewrites = true;
        try
        {
            await Assert.ThrowsAsync<BlobStoreException>(() => Store.PutAsync(Writing(Content(2 << 20, seed: 51)), null, None));
            // Already there: nothing to copy, so the failing rewrite is never asked.
            Assert.Equal(stored, await Store.PutAsync(Writing(published), null, None));
        }
        finally
        {
            standIn.Server.FailRewrites = false;
        }
        Assert.Equal([stored.Digest], await Store.ListAsync(None).ToListAsync());
        Assert.Equal(published, await ReadLocatedAsync(stored.Digest, null));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_refused_request_is_a_storage_failure_naming_the_backend()
    {
        var anonymous = GcsStores.Create(standIn, _bucket, "", new BlobDeliveryOptions());
        var failure = await Assert.ThrowsAsync<BlobStoreException>(() => anonymous.ReadDocumentAsync("grains/x", None));
        Assert.StartsWith("gcs storage could not read document grains/x:", failure.Message);
    }
}

/// <summary>
/// The GCS backend against the GCS stand-in (a fake, not Google Cloud
/// Storage) without a key: nothing to sign with, so blobs are proxied.
/// </summary>
public sealed class GcsStandInBlobStoreProxyTests(GcsStandInFixture standIn) : BlobStoreContract, IClassFixture<GcsStandInFixture>
{
    private readonly string _bucket = GcsStores.NewBucketName(standIn);

    protected override Type LocationKind => typeof(BlobLocation.Proxy);

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult(GcsStores.Create(standIn, _bucket, "", new BlobDeliveryOptions()));

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => GcsStores.LeftoversAsync(standIn, _bucket);
}

internal static class GcsStores
{
    public static string NewBucketName(GcsStandInFixture standIn)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..20];
        standIn.Server.CreateBucket(name);
        return name;
    }

    public static IBlobStore Create(GcsStandInFixture standIn, string bucket, string keyFile, BlobDeliveryOptions delivery) =>
        new ServiceFailureBoundary(new GcsBlobStore(new GcsStorageOptions { Bucket = bucket, Endpoint = standIn.Server.Endpoint, CredentialsFile = keyFile }, delivery), "gcs");

    public static Task<IReadOnlyList<string>> LeftoversAsync(GcsStandInFixture standIn, string bucket) =>
        Task.FromResult<IReadOnlyList<string>>(standIn.Server.ObjectNames(bucket)
            .Where(n => !n.StartsWith(ObjectKeys.BlobsPrefix, StringComparison.Ordinal) && !n.StartsWith(ObjectKeys.DocumentsPrefix, StringComparison.Ordinal))
            .ToList());
}

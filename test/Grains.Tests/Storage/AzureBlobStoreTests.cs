using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Nixery.Storage;
using Nixery.StorageServers;

namespace Nixery.Tests.Storage;

/// <summary>The Azure backend against Azurite, redirecting clients with a SAS.</summary>
[Collection("azurite")]
public sealed class AzureBlobStoreRedirectTests(AzuriteFixture azurite) : RedirectingBlobStoreContract
{
    private readonly string _container = AzureStores.NewContainerName();

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult(AzureStores.Create(azurite, _container, new BlobDeliveryOptions()));

    /// <summary>Azurite: AuthorizationFailure for a SAS outside its time window (a bad signature is AuthenticationFailed).</summary>
    protected override string ExpiredRefusal => "AuthorizationFailure";

    protected override Task<IBlobStore> WithRedirectLifetimeAsync(TimeSpan lifetime) =>
        Task.FromResult(AzureStores.Create(azurite, _container, new BlobDeliveryOptions { RedirectLifetimeSeconds = (int)lifetime.TotalSeconds }));

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => AzureStores.LeftoversAsync(azurite, _container);

    [Fact]
    public async Task A_refused_request_is_a_storage_failure_naming_the_backend()
    {
        var wrongKey = azurite.Server.ConnectionString.Replace(Azurite.AccountKey, Convert.ToBase64String(new byte[64]));
        var store = new ServiceFailureBoundary(new AzureBlobStore(new AzureStorageOptions { ConnectionString = wrongKey, Container = _container }, new()), "azure");
        var failure = await Assert.ThrowsAsync<BlobStoreException>(() => store.SizeAsync(Digest.Sha256("x"u8), None));
        Assert.IsAssignableFrom<IOException>(failure);
        Assert.StartsWith("azure storage could not look up blob sha256:", failure.Message);
    }

    [Fact]
    public async Task Without_an_account_key_blobs_are_proxied()
    {
        var service = new BlobServiceClient(azurite.Server.ConnectionString);
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1), AccountSasResourceTypes.All).Query.TrimStart('?');
        var sasOnly = $"BlobEndpoint={service.Uri};SharedAccessSignature={sas}";
        var store = new AzureBlobStore(new AzureStorageOptions { ConnectionString = sasOnly, Container = _container }, new BlobDeliveryOptions());
        var content = Content(500, seed: 40);
        var stored = await store.PutAsync(Writing(content), null, None);
        var proxy = Assert.IsType<BlobLocation.Proxy>(await store.LocateAsync(stored.Digest, None));
        await using var stream = await proxy.Open(100, 10, None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(content[100..110], copy.ToArray());
    }
}

/// <summary>The Azure backend against Azurite, streaming blobs through the registry.</summary>
[Collection("azurite")]
public sealed class AzureBlobStoreProxyTests(AzuriteFixture azurite) : BlobStoreContract
{
    private readonly string _container = AzureStores.NewContainerName();

    protected override Type LocationKind => typeof(BlobLocation.Proxy);

    protected override Task<IBlobStore> CreateStoreAsync() => Task.FromResult(AzureStores.Create(azurite, _container, new BlobDeliveryOptions { Redirects = false }));

    protected override Task<IReadOnlyList<string>> LeftoversAsync() => AzureStores.LeftoversAsync(azurite, _container);
}

internal static class AzureStores
{
    public static string NewContainerName() => "test-" + Guid.NewGuid().ToString("N")[..20];

    public static IBlobStore Create(AzuriteFixture azurite, string container, BlobDeliveryOptions delivery) =>
        new ServiceFailureBoundary(new AzureBlobStore(new AzureStorageOptions { ConnectionString = azurite.Server.ConnectionString, Container = container }, delivery), "azure");

    /// <summary>Every blob outside blobs/ and documents/, including ones with only uncommitted blocks.</summary>
    public static async Task<IReadOnlyList<string>> LeftoversAsync(AzuriteFixture azurite, string container)
    {
        var client = new BlobContainerClient(azurite.Server.ConnectionString, container);
        var names = new List<string>();
        await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { States = BlobStates.Uncommitted }))
        {
            if (!item.Name.StartsWith(ObjectKeys.BlobsPrefix, StringComparison.Ordinal) && !item.Name.StartsWith(ObjectKeys.DocumentsPrefix, StringComparison.Ordinal))
                names.Add(item.Name);
        }
        return names;
    }
}

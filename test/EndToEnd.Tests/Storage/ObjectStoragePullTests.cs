namespace Nixery.EndToEnd.Tests.Storage;

/// <summary>Azure backend on Azurite, clients redirected with a SAS.</summary>
[Collection(Heavy.Name)]
public sealed class AzuritePullTests(AzuriteRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<AzuriteRegistryFixture>;

/// <summary>Azure backend on Azurite with NIXERY_STORAGE_REDIRECTS=false: the registry proxies.</summary>
[Collection(Heavy.Name)]
public sealed class AzuriteProxyPullTests(AzuriteProxyRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<AzuriteProxyRegistryFixture>;

/// <summary>S3 backend on s3rver, clients redirected to presigned URLs.</summary>
[Collection(Heavy.Name)]
public sealed class S3rverPullTests(S3rverRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<S3rverRegistryFixture>;

/// <summary>S3 backend on s3rver with S3_USE_PRESIGNED_URLS=false: the registry proxies.</summary>
[Collection(Heavy.Name)]
public sealed class S3rverProxyPullTests(S3rverProxyRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<S3rverProxyRegistryFixture>;

/// <summary>GCS backend on the GCS stand-in (a fake, not GCS), clients redirected to V4 signed URLs.</summary>
[Collection(Heavy.Name)]
public sealed class GcsStandInPullTests(GcsStandInRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<GcsStandInRegistryFixture>;

/// <summary>GCS backend on the GCS stand-in (a fake, not GCS) without a key: the registry proxies.</summary>
[Collection(Heavy.Name)]
public sealed class GcsStandInProxyPullTests(GcsStandInProxyRegistryFixture fixture) : ObjectStoragePullContract(fixture), IClassFixture<GcsStandInProxyRegistryFixture>;

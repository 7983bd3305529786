using Nixery.StorageServers;

namespace Nixery.Tests.Support;

/// <summary>One Azurite for every Azure test class; each test uses a container of its own.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await Azurite.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>One s3rver for every S3 test class; each test uses a bucket of its own.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public S3rver Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await S3rver.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>The GCS stand-in (a fake written for these tests, not GCS), one per test class.</summary>
public sealed class GcsStandInFixture : IAsyncLifetime
{
    public GcsStandIn Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GcsStandIn.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

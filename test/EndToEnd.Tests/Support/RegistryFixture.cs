namespace Nixery.EndToEnd.Tests.Support;

/// <summary>One running registry shared by the tests of a class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _storage = new();

    public RegistryProcess Registry { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registry = new RegistryProcess(_storage.Path);
        await Registry.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        _storage.Dispose();
    }
}

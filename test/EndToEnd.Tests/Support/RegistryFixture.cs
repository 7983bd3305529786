namespace Nixery.EndToEnd.Tests.Support;

/// <summary>One running registry shared by the tests of a class.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _storage = new();

    public RegistryProcess Registry { get; private set; } = null!;

    /// <summary>What the registry asked of Nix.</summary>
    public NixInvocations Nix { get; } = new();

    public async Task InitializeAsync()
    {
        Registry = new RegistryProcess(_storage.Path, new Dictionary<string, string> { ["PATH"] = Nix.SearchPath });
        await Registry.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        Nix.Dispose();
        _storage.Dispose();
    }
}

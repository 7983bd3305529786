using Nixery.EndToEnd.Tests.Support;
using Nixery.Storage;

namespace Nixery.EndToEnd.Tests.Storage;

/// <summary>A storage server, a bucket or container on it, and the real registry using it.</summary>
public abstract class ObjectStorageRegistryFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _local = new();

    public RegistryProcess Registry { get; private set; } = null!;

    /// <summary>What the registry asked of Nix.</summary>
    public NixInvocations Nix { get; } = new();

    /// <summary>Whether blob requests are redirected to the storage server.</summary>
    public abstract bool Redirects { get; }

    /// <summary>Where redirects point: the storage server's scheme, host and port.</summary>
    public abstract string StorageOrigin { get; }

    /// <summary>The registry's bucket or container, opened directly: to change storage behind the registry's back.</summary>
    public abstract IBlobStore Storage { get; }

    /// <summary>Starts the storage server and returns the registry's storage variables.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> StartStorageAsync(string bucket);

    protected abstract ValueTask StopStorageAsync();

    /// <summary>
    /// NIXERY_REDIRECT_RECHECK: an hour here, so that whether a redirect asked storage first
    /// does not depend on how long the tests before it took.
    /// </summary>
    public virtual int RedirectRecheckSeconds => 3600;

    public async Task InitializeAsync()
    {
        var environment = await StartStorageAsync("e2e-" + Guid.NewGuid().ToString("N")[..16]);
        // STORAGE_PATH stays set: the registry keeps its Nix GC roots there.
        Registry = new RegistryProcess(_local.Path, new Dictionary<string, string>(environment)
        {
            ["PATH"] = Nix.SearchPath,
            ["NIXERY_REDIRECT_RECHECK"] = RedirectRecheckSeconds.ToString(),
        });
        await Registry.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Registry.DisposeAsync();
        await StopStorageAsync();
        Nix.Dispose();
        _local.Dispose();
    }
}

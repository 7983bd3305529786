
using Nixery.StorageServers;

namespace Nixery.EndToEnd.Tests.Support;

/// <summary>
/// A registry cluster of real processes: two silos and a separate frontend,
/// joined through a real membership store, sharing one storage directory,
/// building from a salted demo package set. Each silo has a private,
/// initially empty Nix store, as each pod of a deployment has, so a build
/// that relies on a store path another silo made fails here as it would
/// there. Nix builds are counted by a wrapper on the processes' PATH, for
/// each silo and for the whole cluster.
/// </summary>
public abstract class ProcessCluster : IAsyncLifetime
{
    private readonly TemporaryDirectory _storage = new();
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];

    public SaltedPackageSet Packages { get; } = new();

    public NixInvocations Nix { get; } = new();

    /// <summary>The witness of each silo (by index in <see cref="Silos"/>; a replacement keeps its predecessor's).</summary>
    public NixInvocations[] SiloNix { get; private set; } = [];

    public RegistryProcess[] Silos { get; private set; } = [];

    /// <summary>What an Orleans client needs to join this cluster (as a separate frontend does).</summary>
    public Nixery.Configuration.NixeryClusterOptions ClientOptions { get; private set; } = new();

    public RegistryProcess Frontend { get; private set; } = null!;

    /// <summary>Environment variables that select the membership store and grain storage.</summary>
    protected abstract Task<IReadOnlyDictionary<string, string>> StartMembershipAsync();

    protected abstract ValueTask StopMembershipAsync();

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>(await StartMembershipAsync())
        {
            ["NIXERY_PKGS_PATH"] = Packages.Path,
            ["NIXERY_SOURCE_REFRESH"] = "0",
            ["NIXERY_CLUSTER_ID"] = _clusterId,
            ["NIXERY_ADVERTISED_ADDRESS"] = "127.0.0.1",
            ["PATH"] = Nix.SearchPath,
        };
        AddEnvironment(environment);
        ClientOptions = new()
        {
            Clustering = environment["NIXERY_CLUSTERING"],
            Connection = environment["NIXERY_CLUSTERING_CONNECTION"],
            ClusterId = _clusterId,
        };
        // One after the other: silos started at the same moment contend on
        // the membership table and take seconds longer to join.
        SiloNix = [new NixInvocations(Nix), new NixInvocations(Nix)];
        Silos = SiloNix.Select(nix => new RegistryProcess(_storage.Path, new Dictionary<string, string>(environment) { ["PATH"] = nix.SearchPath }, privateNixStore: true)).ToArray();
        foreach (var silo in Silos) await silo.StartAsync();
        Frontend = new RegistryProcess(_storage.Path, environment, project: "Frontend");
        await Frontend.StartAsync();
    }

    /// <summary>Settings every process of a particular cluster gets on top (authentication, say).</summary>
    protected virtual void AddEnvironment(Dictionary<string, string> environment)
    {
    }

    /// <summary>Replaces a dead silo with a new process on new ports.</summary>
    public async Task<RegistryProcess> ReplaceAsync(RegistryProcess dead)
    {
        var index = Array.IndexOf(Silos, dead);
        var replacement = dead.Successor();
        await dead.DisposeAsync();
        await replacement.StartAsync();
        Silos[index] = replacement;
        return replacement;
    }

    /// <summary>
    /// kill -9 of every process, then new ones on new ports with empty Nix
    /// stores, started as a StatefulSet starts pods: silos one after another,
    /// then the frontend. The dead silos' entries are still Active in the
    /// membership table when the first new silo tries to join.
    /// </summary>
    public async Task CrashAndRestartAsync()
    {
        await Frontend.KillAsync();
        foreach (var silo in Silos) await silo.KillAsync();
        for (var i = 0; i < Silos.Length; i++) await ReplaceAsync(Silos[i]);
        var frontend = Frontend.Successor();
        await Frontend.DisposeAsync();
        Frontend = frontend;
        await Frontend.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Frontend.DisposeAsync();
        foreach (var silo in Silos) await silo.DisposeAsync();
        await StopMembershipAsync();
        Packages.Dispose();
        foreach (var nix in SiloNix) nix.Dispose();
        Nix.Dispose();
        _storage.Dispose();
    }
}

/// <summary>Redis membership and state as deploy/ runs them: the server requires a password, which every process has in its connection string.</summary>
public class RedisProcessCluster : ProcessCluster
{
    private RedisServer? _redis;

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("the cluster has not started");

    protected override async Task<IReadOnlyDictionary<string, string>> StartMembershipAsync()
    {
        _redis = await RedisServer.StartAsync(password: "redis-" + Guid.NewGuid().ToString("N"));
        return new Dictionary<string, string>
        {
            ["NIXERY_CLUSTERING"] = "redis",
            ["NIXERY_CLUSTERING_CONNECTION"] = _redis.ConnectionString,
            ["NIXERY_GRAIN_STORAGE"] = "redis",
        };
    }

    protected override async ValueTask StopMembershipAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

public sealed class AzureProcessCluster : ProcessCluster
{
    private Azurite? _azurite;

    protected override async Task<IReadOnlyDictionary<string, string>> StartMembershipAsync()
    {
        _azurite = await Azurite.StartAsync();
        return new Dictionary<string, string>
        {
            ["NIXERY_CLUSTERING"] = "azuretable",
            ["NIXERY_CLUSTERING_CONNECTION"] = _azurite.ConnectionString,
            ["NIXERY_GRAIN_STORAGE"] = "azureblob",
        };
    }

    protected override async ValueTask StopMembershipAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

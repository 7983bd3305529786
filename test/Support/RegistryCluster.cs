using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Nixery.Configuration;
using Nixery.Layering;
using Nixery.Metrics;
using Nixery.Processes;
using Nixery.Storage;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Nixery.Frontend;
using Nixery.Frontend.Web;
using Orleans.TestingHost;

namespace Nixery.Tests.Support;

/// <summary>How a <see cref="RegistryCluster"/> is set up.</summary>
public sealed record RegistryClusterOptions(
    int Silos = 1,
    string? PackageSet = null,
    int FailureBackoffSeconds = 2,
    int SourceRefreshSeconds = 10,
    TimeSpan? ResponseTimeout = null,
    bool ManualClock = false);

/// <summary>
/// The registry in-process: a TestCluster of silos running the real pipeline
/// (real Nix, a demo package set, filesystem storage in a temporary
/// directory) and HTTP frontends on Kestrel: one as a client of the cluster,
/// and one inside each silo, calling grains from that silo. Its silos run
/// Nix through their own <see cref="NixInvocations"/> wrapper, so what they
/// asked of Nix is counted from outside, apart from other clusters.
/// </summary>
public class RegistryCluster : IAsyncLifetime
{
    /// <summary>The clocks of clusters with a manual clock, by cluster: silos are created by type and find theirs here.</summary>
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();

    /// <summary>The grain calls of each cluster, counted as they arrive at its silos.</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, int>> Calls = new();

    private readonly RegistryClusterOptions _options;
    private readonly List<WebApplication> _frontends = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];

    public RegistryCluster() : this(new RegistryClusterOptions())
    {
    }

    protected RegistryCluster(RegistryClusterOptions options)
    {
        _options = options;
        StoragePath = Path.Combine(Path.GetTempPath(), "nixery-cluster-" + _id);
        if (options.ManualClock) Clocks[_id] = _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Calls[_id] = _calls;
    }

    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>How many calls of a grain method (as "IImageGrain.Await") the silos received so far.</summary>
    public int GrainCalls(string method) => _calls.GetValueOrDefault(method);

    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The frontend that is an Orleans client of the cluster.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>One frontend per silo, each calling grains through its own silo.</summary>
    public IReadOnlyList<HttpClient> SiloFrontends { get; private set; } = [];

    public string StoragePath { get; }

    /// <summary>Every Nix program the silos ran, recorded by a wrapper on their search path.</summary>
    public NixInvocations Nix { get; } = new();

    /// <summary>
    /// The silos' clock when <see cref="RegistryClusterOptions.ManualClock"/>
    /// is set: moved only by the test, and only this cluster's.
    /// </summary>
    public FakeTimeProvider Clock => _clock ?? throw new InvalidOperationException("this cluster runs on the real clock");

    private FakeTimeProvider? _clock;

    /// <summary>The registry meters of the silos, to count what they did apart from other tests in this process.</summary>
    public IReadOnlyList<System.Diagnostics.Metrics.Meter> Meters =>
        Cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<RegistryMetrics>().Meter).ToArray();

    public virtual async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder((short)_options.Silos);
        builder.Properties["Nixery:Source:Path"] = _options.PackageSet ?? Repository.DemoPackageSet;
        builder.Properties["Nixery:Storage:Path"] = StoragePath;
        builder.Properties["Nixery:Build:FailureBackoffSeconds"] = _options.FailureBackoffSeconds.ToString();
        builder.Properties["Nixery:Source:RefreshSeconds"] = _options.SourceRefreshSeconds.ToString();
        if (_options.ResponseTimeout is { } timeout) builder.Properties["Test:ResponseTimeout"] = timeout.ToString();
        if (_options.ManualClock) builder.Properties["Test:ManualClock"] = _id;
        builder.Properties["Test:SearchPath"] = Nix.SearchPath;
        builder.Properties["Test:Cluster"] = _id;
        builder.AddSiloBuilderConfigurator<PipelineSilo>();
        builder.AddClientBuilderConfigurator<TestClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        Http = await StartFrontendAsync(Cluster.Client);
        var perSilo = new List<HttpClient>();
        foreach (var silo in Cluster.Silos)
            perSilo.Add(await StartFrontendAsync(((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IGrainFactory>()));
        SiloFrontends = perSilo;
    }

    public virtual async Task DisposeAsync()
    {
        Http?.Dispose();
        foreach (var client in SiloFrontends) client.Dispose();
        foreach (var frontend in _frontends) await frontend.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Clocks.TryRemove(_id, out _);
        Calls.TryRemove(_id, out _);
        Nix.Dispose();
    }

    private async Task<HttpClient> StartFrontendAsync(IGrainFactory grains)
    {
        var web = WebApplication.CreateBuilder();
        web.WebHost.UseUrls("http://127.0.0.1:0");
        web.Logging.SetMinimumLevel(LogLevel.Warning);
        web.Services.AddSingleton(grains);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Nixery:Storage:Path", StoragePath)]).Build();
        web.Services.AddNixeryStorage(configuration).AddRegistryFrontend().AddWebPages(configuration);
        var frontend = web.Build();
        frontend.UseRegistry();
        frontend.MapWebPages();
        await frontend.StartAsync();
        _frontends.Add(frontend);
        var address = frontend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>Created by type in each silo, so it reads its settings from the silo's configuration.</summary>
    public sealed class PipelineSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddNixeryStorage(silo.Configuration).AddNixeryPipeline(silo.Configuration, new PopularitySource(Popularity.None));
            silo.Services.AddGrainStorage(StorageNames.Registry, (services, name) =>
                new BlobStoreGrainStorage(name, services.GetRequiredService<IBlobStore>(), services.GetRequiredService<Serializer>()));
            if (silo.Configuration["Test:ManualClock"] is { } cluster) silo.Services.AddSingleton<TimeProvider>(Clocks[cluster]);
            var searchPath = silo.Configuration["Test:SearchPath"];
            silo.Services.AddSingleton(sp => new CommandRunner(sp.GetRequiredService<ILogger<CommandRunner>>(), searchPath: searchPath));
            if (silo.Configuration["Test:ResponseTimeout"] is { } timeout)
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.Parse(timeout));
            var calls = Calls[silo.Configuration["Test:Cluster"]!];
            silo.AddIncomingGrainCallFilter(context =>
            {
                calls.AddOrUpdate($"{context.InterfaceName.Split('.')[^1]}.{context.MethodName}", 1, (_, n) => n + 1);
                return context.Invoke();
            });
        }
    }

    public sealed class TestClient : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            if (configuration["Test:ResponseTimeout"] is { } timeout)
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.Parse(timeout));
        }
    }
}

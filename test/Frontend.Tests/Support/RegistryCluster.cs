using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Configuration;
using Nixery.Layering;
using Nixery.Storage;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Nixery.Frontend.Tests.Support;

/// <summary>
/// The registry in-process: a TestCluster of silos running the real pipeline
/// (real Nix, the demo package set, filesystem storage in a temporary
/// directory) and the HTTP frontend on Kestrel as a client of that cluster.
/// </summary>
public sealed class RegistryCluster : IAsyncLifetime
{
    private readonly int _silos;
    private readonly string _storage;
    private WebApplication? _frontend;

    public RegistryCluster() : this(1, null)
    {
    }

    internal RegistryCluster(int silos, string? storage)
    {
        _silos = silos;
        _storage = storage ?? Path.Combine(Path.GetTempPath(), "nixery-cluster-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public TestCluster Cluster { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public string StoragePath => _storage;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder((short)_silos);
        builder.Properties["Nixery:Source:Path"] = Repository.DemoPackageSet;
        builder.Properties["Nixery:Storage:Path"] = _storage;
        builder.Properties["Nixery:Build:FailureBackoffSeconds"] = "2";
        builder.AddSiloBuilderConfigurator<PipelineSilo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        var web = WebApplication.CreateBuilder();
        web.WebHost.UseUrls("http://127.0.0.1:0");
        web.Logging.SetMinimumLevel(LogLevel.Warning);
        web.Services.AddSingleton<IGrainFactory>(Cluster.Client);
        web.Services.AddNixeryStorage(Configuration(_storage)).AddRegistryFrontend();
        _frontend = web.Build();
        _frontend.MapRegistry();
        await _frontend.StartAsync();
        var address = _frontend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_frontend is not null) await _frontend.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private static IConfiguration Configuration(string storage) => new ConfigurationBuilder()
        .AddInMemoryCollection([
            new("Nixery:Source:Path", Repository.DemoPackageSet),
            new("Nixery:Storage:Path", storage),
        ])
        .Build();

    /// <summary>Created by type in each silo, so it reads its settings from the silo's configuration.</summary>
    public sealed class PipelineSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddNixeryStorage(silo.Configuration).AddNixeryPipeline(silo.Configuration, new PopularitySource(Popularity.None));
            silo.Services.AddGrainStorage(StorageNames.Registry, (services, name) =>
                new BlobStoreGrainStorage(name, services.GetRequiredService<IBlobStore>(), services.GetRequiredService<Serializer>()));
        }
    }
}

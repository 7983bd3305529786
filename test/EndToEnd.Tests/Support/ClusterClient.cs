using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nixery.Configuration;
using Nixery.Frontend.Hosting;

namespace Nixery.EndToEnd.Tests.Support;

/// <summary>
/// The test joining a cluster of real processes as an Orleans client, as a
/// separate frontend does: to put grains on a chosen silo (placement hints)
/// and to ask where an activation lives.
/// </summary>
public sealed class ClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClient(IHost host) => _host = host;

    public IClusterClient Grains => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<ClusterClient> ConnectAsync(NixeryClusterOptions options)
    {
        var host = new HostBuilder().UseOrleansClient(client => client.UseNixeryCluster(options)).Build();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(limit.Token);
        return new ClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(limit.Token);
        _host.Dispose();
    }
}

using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Configuration;
using Orleans.Configuration;

namespace Nixery.Frontend.Hosting;

/// <summary>
/// How silos and separate frontends find each other, from <c>NIXERY_CLUSTERING</c>:
/// the one place that reads the switch. Silos and clients register the same
/// provider through different Orleans builders, so each passes what it does
/// per provider; the cluster and service ids are set here for both.
/// </summary>
public static class ClusterMembership
{
    public static void Use(
        IServiceCollection services,
        NixeryClusterOptions options,
        Action localhost,
        Action<string> redis,
        Action<TableServiceClient> azureTable)
    {
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        switch (options.Clustering.ToLowerInvariant())
        {
            case ClusterProviders.Localhost:
                localhost();
                break;
            case ClusterProviders.Redis:
                redis(options.Connection!);
                break;
            case ClusterProviders.AzureTable:
                azureTable(new TableServiceClient(options.Connection));
                break;
            default:
                throw new InvalidOperationException($"NIXERY_CLUSTERING: '{options.Clustering}' is not supported");
        }
    }

    /// <summary>A separate frontend: an Orleans client that finds the silos' gateways in the membership store.</summary>
    public static IClientBuilder UseNixeryCluster(this IClientBuilder client, NixeryClusterOptions options)
    {
        // Restarted silos come back at new addresses (new pod IPs); the
        // default minute before a client reads the gateway list again would
        // keep the frontend dark that long after the silos are serving.
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = Membership.GatewayListRefreshPeriod);
        Use(client.Services, options,
            localhost: () => client.UseLocalhostClustering(options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId),
            redis: connection => client.UseRedisClustering(connection),
            azureTable: tables => client.UseAzureStorageClustering(o => o.TableServiceClient = tables));
        if (ClusterTls.Load(options) is { } certificate) client.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
        return client;
    }
}

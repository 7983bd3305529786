using Azure.Data.Tables;
using Nixery.Configuration;
using Orleans.Configuration;

namespace Nixery.Frontend.Hosting;

/// <summary>How a separate frontend finds the silos' gateways: the same membership store the silos use.</summary>
public static class ClientCluster
{
    public static IClientBuilder UseNixeryCluster(this IClientBuilder client, NixeryClusterOptions options)
    {
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        switch (options.Clustering.ToLowerInvariant())
        {
            case ClusterProviders.Localhost:
                client.UseLocalhostClustering(options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
                break;
            case ClusterProviders.Redis:
                client.UseRedisClustering(options.Connection!);
                break;
            case ClusterProviders.AzureTable:
                client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(options.Connection));
                break;
        }
        return client;
    }
}

using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Configuration;
using Orleans.Configuration;
using StackExchange.Redis;

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

    /// <summary>
    /// A Redis that refuses the configured password, said once and naming the
    /// variable, before Orleans starts (which would otherwise abort the process
    /// on an unhandled exception with a stack trace). An unreachable Redis is
    /// not a configuration error: it may still be starting, and Orleans waits
    /// for it. The password is in no message.
    /// </summary>
    /// <param name="grainState">Whether this process keeps grain state (a silo) and so needs that connection too.</param>
    public static async Task<string?> RedisCredentialProblemAsync(NixeryClusterOptions options, bool grainState)
    {
        var connections = new List<(string Variable, string Connection)>();
        if (options.Clustering.Equals(ClusterProviders.Redis, StringComparison.OrdinalIgnoreCase) && options.Connection is { Length: > 0 } membership)
            connections.Add(("NIXERY_CLUSTERING_CONNECTION", membership));
        if (grainState && options.GrainStorage.Equals(ClusterProviders.Redis, StringComparison.OrdinalIgnoreCase)
            && options.GrainStorageConnection is { Length: > 0 } state)
            connections.Add(("NIXERY_GRAIN_STORAGE_CONNECTION", state));
        foreach (var (variable, connection) in connections)
        {
            ConfigurationOptions redis;
            try
            {
                redis = ConfigurationOptions.Parse(connection);
            }
            catch (ArgumentException)
            {
                return $"{variable}: not a Redis connection string (host:port[,password=…])";
            }
            redis.AbortOnConnectFail = true;
            redis.ConnectRetry = 1;
            redis.ConnectTimeout = 10_000;
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(redis);
            }
            catch (RedisConnectionException e) when (e.FailureType == ConnectionFailureType.AuthenticationFailure)
            {
                var said = (e.InnerException ?? e).Message;
                if (redis.Password is { Length: > 0 } password) said = said.Replace(password, "…", StringComparison.Ordinal);
                return $"{variable}: Redis at {string.Join(", ", redis.EndPoints)} refused the credentials ({said})";
            }
            catch (RedisConnectionException)
            {
            }
        }
        return null;
    }
}

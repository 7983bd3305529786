using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Nixery.Configuration;
using Nixery.Frontend.Hosting;
using Nixery.Storage;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Nixery.Silo.Hosting;

/// <summary>
/// How a silo joins its cluster and where grains keep state, from
/// <see cref="NixeryClusterOptions"/>: localhost clustering for one process,
/// Redis or Azure Table membership for many; grain state on the storage
/// backend itself, Redis, Azure Blob or Azure Table; Kubernetes hosting when
/// the silo runs in a pod.
/// </summary>
public static class SiloCluster
{
    public static ISiloBuilder UseNixeryCluster(this ISiloBuilder silo, NixeryClusterOptions options)
    {
        ClusterMembership.Use(silo.Services, options,
            localhost: () => silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId),
            redis: connection => silo.ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true)
                .UseRedisClustering(connection),
            azureTable: tables => silo.ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true)
                .UseAzureStorageClustering(o => o.TableServiceClient = tables));

        silo.Configure<ClusterMembershipOptions>(Membership.Configure);

        // Kubernetes hosting watches pods so that a deleted pod's silo is
        // declared dead at once; it needs a membership provider all the same.
        if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null) silo.UseKubernetesHosting();

        if (ClusterTls.Load(options) is { } certificate) silo.UseTls(certificate, tls => ClusterTls.Configure(tls, certificate));
        AddGrainStorage(silo, options);
        return silo;
    }

    private static void AddGrainStorage(ISiloBuilder silo, NixeryClusterOptions options)
    {
        const string name = StorageNames.Registry;
        switch (options.GrainStorage.ToLowerInvariant())
        {
            case ClusterProviders.StorageBackend:
                silo.Services.AddGrainStorage(name, (services, provider) =>
                    new BlobStoreGrainStorage(provider, services.GetRequiredService<IBlobStore>(), services.GetRequiredService<Serializer>()));
                return;
            case ClusterProviders.Redis:
                silo.AddRedisGrainStorage(name, o => o.ConfigurationOptions = ConfigurationOptions.Parse(options.StateConnection!));
                break;
            case ClusterProviders.AzureBlob:
                silo.AddAzureBlobGrainStorage(name, o =>
                {
                    o.BlobServiceClient = new BlobServiceClient(options.StateConnection);
                    o.ContainerName = "nixery-grain-state";
                });
                break;
            case ClusterProviders.AzureTable:
                silo.AddAzureTableGrainStorage(name, o =>
                {
                    o.TableServiceClient = new TableServiceClient(options.StateConnection);
                    o.TableName = "NixeryGrainState";
                });
                break;
        }
        // The stock providers default to JSON with .NET type names; Orleans'
        // own serializer follows [Id]/[Alias], so renaming a class does not
        // orphan stored state.
        silo.Services.AddSingleton<IGrainStorageSerializer>(services => new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));
    }

    /// <summary>The address other silos and frontends reach this one at: configured, the pod's IP, or loopback.</summary>
    private static IPAddress AdvertisedAddress(NixeryClusterOptions options) =>
        options.AdvertisedAddress is { Length: > 0 } configured ? IPAddress.Parse(configured)
        : Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } pod ? IPAddress.Parse(pod)
        : IPAddress.Loopback;
}

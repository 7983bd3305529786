namespace Nixery.Configuration;

/// <summary>
/// How this process joins the Orleans cluster. Named apart from Orleans'
/// own <c>Orleans:</c> configuration section, which Orleans reads itself.
/// </summary>
public sealed class NixeryClusterOptions
{
    public string Clustering { get; set; } = ClusterProviders.Localhost;
    public string? Connection { get; set; }
    public string GrainStorage { get; set; } = ClusterProviders.StorageBackend;
    public string? GrainStorageConnection { get; set; }
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string? AdvertisedAddress { get; set; }
    public string ClusterId { get; set; } = "nixery";
    public string ServiceId { get; set; } = "nixery";

    /// <summary><c>NIXERY_TLS_CERTIFICATE</c>: the cluster's certificate file; TLS between members only when set.</summary>
    public string? TlsCertificate { get; set; }

    /// <summary><c>NIXERY_TLS_CERTIFICATE_PASSWORD</c>: the password of that file, if it has one.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>Grain state shares the membership store's connection unless given its own.</summary>
    public string? StateConnection => string.IsNullOrWhiteSpace(GrainStorageConnection) ? Connection : GrainStorageConnection;
}

/// <summary>The membership and grain-state providers the registry supports.</summary>
public static class ClusterProviders
{
    public const string Localhost = "localhost";
    public const string Redis = "redis";
    public const string AzureTable = "azuretable";
    public const string StorageBackend = "storage";
    public const string AzureBlob = "azureblob";

    public static readonly string[] Clustering = [Localhost, Redis, AzureTable];
    public static readonly string[] GrainStorage = [StorageBackend, Redis, AzureBlob, AzureTable];
}

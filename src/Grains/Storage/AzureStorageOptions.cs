namespace Nixery.Storage;

/// <summary>The Azure Blob Storage backend's settings.</summary>
public sealed class AzureStorageOptions
{
    /// <summary>
    /// <c>NIXERY_AZURE_CONNECTION_STRING</c>. With an account key, redirects
    /// carry a read-only SAS; with a SAS or no key, blobs are proxied.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary><c>NIXERY_AZURE_CONTAINER</c>; created on first use if missing.</summary>
    public string Container { get; set; } = "nixery";
}

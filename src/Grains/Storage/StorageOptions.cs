namespace Nixery.Storage;

/// <summary>Which storage backend holds blobs and state, and its settings.</summary>
public sealed class StorageOptions
{
    public const string FileSystem = "filesystem";

    /// <summary><c>NIXERY_STORAGE_BACKEND</c>: <c>filesystem</c>, <c>gcs</c>, <c>azure</c> or <c>s3</c>.</summary>
    public string Backend { get; set; } = FileSystem;

    /// <summary><c>STORAGE_PATH</c>: the filesystem backend's root directory.</summary>
    public string Path { get; set; } = "";

    /// <summary>How object-storage backends hand blobs to clients.</summary>
    public BlobDeliveryOptions Delivery { get; set; } = new();

    public GcsStorageOptions Gcs { get; set; } = new();

    public AzureStorageOptions Azure { get; set; } = new();

    public S3StorageOptions S3 { get; set; } = new();
}

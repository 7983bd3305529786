namespace Nixery.Storage;

/// <summary>Which storage backend holds blobs and state, and its settings.</summary>
public sealed class StorageOptions
{
    public const string FileSystem = "filesystem";

    /// <summary><c>NIXERY_STORAGE_BACKEND</c>.</summary>
    public string Backend { get; set; } = FileSystem;

    /// <summary><c>STORAGE_PATH</c>: the filesystem backend's root directory.</summary>
    public string Path { get; set; } = "";
}

namespace Nixery.Storage;

/// <summary>
/// Where things live in a bucket or container, the same for every
/// object-storage backend and the same as the filesystem backend's folders:
/// <list type="bullet">
/// <item><c>blobs/sha256/&lt;hex&gt;</c>: published blobs, only ever complete and verified;</item>
/// <item><c>staging/&lt;random&gt;</c>: uploads whose digest is not known yet, removed after publishing or failing;</item>
/// <item><c>documents/&lt;escaped key&gt;</c>: grain state and other named documents.</item>
/// </list>
/// Staging names are unique per upload, so concurrent uploads of the same
/// blob (two silos packing one layer) never touch each other's bytes.
/// </summary>
public static class ObjectKeys
{
    public const string BlobsPrefix = "blobs/sha256/";
    public const string StagingPrefix = "staging/";
    public const string DocumentsPrefix = "documents/";

    /// <summary>Only sha256 blobs are ever written; another algorithm names an object that cannot exist.</summary>
    public static string Blob(Digest digest) =>
        digest.Algorithm == "sha256" ? BlobsPrefix + digest.Hex : $"blobs/unsupported-{digest.Algorithm}/{digest.Hex}";

    public static string Staging() => StagingPrefix + Guid.NewGuid().ToString("N");

    public static string Document(string key) => DocumentsPrefix + string.Join('/', key.Split('/').Select(DocumentKey.EscapeSegment));

    /// <summary>The object-name prefix of every document under a key folder.</summary>
    public static string DocumentFolder(string folder) => Document(folder.TrimEnd('/')) + "/";

    /// <summary>The document key an object name stands for.</summary>
    public static string DocumentKeyOf(string name) => DocumentKey.Unescape(name[DocumentsPrefix.Length..]);

    public static bool TryParseBlob(string name, out Digest digest)
    {
        digest = default;
        return name.StartsWith(BlobsPrefix, StringComparison.Ordinal) && Digest.TryParse("sha256:" + name[BlobsPrefix.Length..], out digest);
    }
}

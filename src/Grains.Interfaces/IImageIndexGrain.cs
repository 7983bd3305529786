namespace Nixery;

/// <summary>
/// Which cached image names a blob, for repairing a blob storage has lost
/// (one activation, key 0). Images built while it lives are told to it as
/// they are recorded; images recorded before it came up it finds by listing
/// the image index on the storage backend, at most once per
/// <see cref="ListInterval"/> however many unknown blobs are asked about, so
/// requests for digests nobody stored cost a lookup in memory.
/// </summary>
[Alias("nixery.IImageIndexGrain")]
public interface IImageIndexGrain : IGrainWithIntegerKey
{
    public static readonly TimeSpan ListInterval = TimeSpan.FromSeconds(1);

    /// <summary>The key of an image whose blobs include <paramref name="blob"/>, or null.</summary>
    [Alias("ImageNaming"), ResponseTimeout("00:05:00")]
    Task<string?> ImageNaming(Digest blob);

    /// <summary>
    /// An image's index entry was written: its blobs are named from now on,
    /// without waiting for the next listing (which may be a second away, or,
    /// right after one, the reason a lost blob would go unrepaired).
    /// </summary>
    [Alias("Recorded")]
    Task Recorded(string image, Digest[] blobs);
}

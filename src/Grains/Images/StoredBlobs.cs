using Nixery.Storage;

namespace Nixery.Images;

/// <summary>
/// Whether the blobs a grain remembers are still in storage: garbage
/// collection or an operator may have removed them, and a manifest must
/// never name a missing blob.
/// </summary>
public static class StoredBlobs
{
    /// <summary>The first of <paramref name="digests"/> that storage lacks, or null when all are there.</summary>
    public static async Task<Digest?> FirstMissingAsync(this IBlobStore store, IEnumerable<Digest> digests, CancellationToken cancellation)
    {
        foreach (var digest in digests)
        {
            if (await store.SizeAsync(digest, cancellation) is null) return digest;
        }
        return null;
    }
}

using System.Text.Json;
using Nixery.Storage;

namespace Nixery.Collection;

/// <summary>
/// Deletes blobs no image references, in two steps: a collection marks the
/// unreferenced blobs (in the document <c>gc/candidates</c>) and a later one
/// deletes those still unreferenced once the grace period has passed since
/// they were marked. A blob written by a build under way is unreferenced
/// until the build records its image, which happens well within the grace
/// period, so it is never deleted; nor is a blob an image needs.
/// </summary>
public sealed class BlobSweeper(IBlobStore store)
{
    private const string Candidates = "gc/candidates";

    public sealed record Outcome(int Kept, int Marked, int Deleted, long BytesDeleted);

    public async Task<Outcome> SweepAsync(IReadOnlySet<Digest> live, DateTimeOffset now, TimeSpan grace, bool dryRun, CancellationToken cancellation)
    {
        var document = await store.ReadDocumentAsync(Candidates, cancellation);
        var marked = document is null ? [] : JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(document.Content) ?? [];
        var stillMarked = new Dictionary<string, DateTimeOffset>();
        int kept = 0, deleted = 0;
        long bytes = 0;

        await foreach (var digest in store.ListAsync(cancellation))
        {
            if (live.Contains(digest))
            {
                kept++;
                continue;
            }
            var key = digest.ToString();
            if (marked.TryGetValue(key, out var since) && now - since >= grace)
            {
                var size = await store.SizeAsync(digest, cancellation) ?? 0;
                if (!dryRun) await store.DeleteAsync(digest, cancellation);
                deleted++;
                bytes += size;
            }
            else
            {
                stillMarked[key] = marked.TryGetValue(key, out var first) ? first : now;
            }
        }
        if (!dryRun) await store.WriteDocumentAsync(Candidates, JsonSerializer.SerializeToUtf8Bytes(stillMarked), document?.ETag, cancellation);
        return new Outcome(kept, stillMarked.Count, deleted, bytes);
    }
}

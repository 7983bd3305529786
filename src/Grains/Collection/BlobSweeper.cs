using System.Text.Json;
using Nixery.Storage;

namespace Nixery.Collection;

/// <summary>
/// Deletes blobs no image references and no build leases, in two steps: a
/// collection marks the unreferenced blobs (in the document
/// <c>gc/candidates</c>) and a later one deletes those still unreferenced
/// once the grace period has passed since they were marked. A blob a build
/// packs is unreferenced until the build leases it (see
/// <see cref="BlobLeases"/>), which happens well within the grace period;
/// a blob a build reuses, marked long ago, is leased before the build
/// trusts it. Neither is ever deleted, nor is a blob an image needs.
/// </summary>
public sealed class BlobSweeper(IBlobStore store, BlobLeases leases)
{
    private const string Candidates = "gc/candidates";

    public sealed record Outcome(int Kept, int Marked, int Deleted, long BytesDeleted);

    /// <param name="referenced">
    /// The blobs the kept images need, read after the sweep is announced and
    /// the leases are read, so that an image recorded meanwhile (whose build
    /// released its lease) is seen.
    /// </param>
    public async Task<Outcome> SweepAsync(Func<CancellationToken, Task<IReadOnlySet<Digest>>> referenced, DateTimeOffset now, TimeSpan grace, bool dryRun, CancellationToken cancellation)
    {
        var leased = dryRun ? await leases.LeasedAsync(removeExpired: false, cancellation) : await leases.BeginSweepAsync(cancellation);
        try
        {
            var live = new HashSet<Digest>(await referenced(cancellation));
            live.UnionWith(leased);
            return await SweepAsync(live, now, grace, dryRun, cancellation);
        }
        finally
        {
            if (!dryRun) await leases.EndSweepAsync();
        }
    }

    private async Task<Outcome> SweepAsync(IReadOnlySet<Digest> live, DateTimeOffset now, TimeSpan grace, bool dryRun, CancellationToken cancellation)
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

using System.Text.Json;
using Nixery.Storage;

namespace Nixery.Collection;

/// <summary>
/// Leases keep blobs from garbage collection while a build that uses them has
/// not recorded its image yet: a layer reused from an image that expired long
/// ago is marked as unreferenced, and nothing else would stop a collection
/// from deleting it between the layer's lookup and the new image's index entry.
/// <para>
/// The protocol, with documents on the storage backend so it holds across
/// silos and processes:
/// a build writes its lease (<c>gc/leases/&lt;id&gt;</c>, the digests and an
/// expiry) and only then checks whether a collection is deleting
/// (<c>gc/sweeping</c>); if one is, it waits for it to end; then it checks the
/// blobs are in storage, and packs again any that are not.
/// A collection writes <c>gc/sweeping</c>, then reads the leases and the image
/// index, and deletes only blobs in neither.
/// Either the collection reads the lease, or the build sees the collection
/// and checks storage after it has deleted; a blob a build serves is never
/// deleted under it. The build releases its lease once its image is in the
/// index; a crashed build's lease stops counting at its expiry.
/// </para>
/// </summary>
public sealed class BlobLeases(IBlobStore store, TimeProvider clock)
{
    private const string Folder = "gc/leases/";
    private const string Sweeping = "gc/sweeping";

    /// <summary>How long a collection in progress holds builds back, should it die without saying it ended.</summary>
    public static readonly TimeSpan SweepLifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan SweepPoll = TimeSpan.FromSeconds(1);

    private sealed record LeaseDocument(DateTimeOffset Expires, IReadOnlyList<string> Digests);

    private sealed record SweepDocument(DateTimeOffset Expires);

    /// <summary>A lease for one build, written to storage at its first <see cref="BlobLease.HoldAsync"/>.</summary>
    public BlobLease Open(TimeSpan lifetime) => new(this, Folder + Guid.NewGuid().ToString("N"), lifetime);

    internal async Task WriteAsync(string key, IReadOnlyCollection<Digest> digests, TimeSpan lifetime, CancellationToken cancellation)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(new LeaseDocument(clock.GetUtcNow() + lifetime, digests.Select(d => d.ToString()).ToArray()));
        var current = await store.ReadDocumentAsync(key, cancellation);
        await store.WriteDocumentAsync(key, content, current?.ETag, cancellation);
    }

    internal Task DeleteAsync(string key) => store.DeleteDocumentAsync(key, null, CancellationToken.None);

    /// <summary>Returns once no collection is deleting blobs (or the one that was has outlived <see cref="SweepLifetime"/>).</summary>
    internal async Task WaitForSweepAsync(CancellationToken cancellation)
    {
        while (await store.ReadDocumentAsync(Sweeping, cancellation) is { } document
               && JsonSerializer.Deserialize<SweepDocument>(document.Content) is { } sweep
               && sweep.Expires > clock.GetUtcNow())
        {
            await Task.Delay(SweepPoll, clock, cancellation);
        }
    }

    /// <summary>
    /// Announces a collection that is about to delete, then returns the
    /// digests leased now (and removes leases past their expiry).
    /// </summary>
    public async Task<IReadOnlySet<Digest>> BeginSweepAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var current = await store.ReadDocumentAsync(Sweeping, cancellation);
        await store.WriteDocumentAsync(Sweeping, JsonSerializer.SerializeToUtf8Bytes(new SweepDocument(now + SweepLifetime)), current?.ETag, cancellation);
        return await LeasedAsync(removeExpired: true, cancellation);
    }

    public Task EndSweepAsync() => store.DeleteDocumentAsync(Sweeping, null, CancellationToken.None);

    /// <summary>Every digest an unexpired lease holds.</summary>
    public async Task<IReadOnlySet<Digest>> LeasedAsync(bool removeExpired, CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var leased = new HashSet<Digest>();
        await foreach (var key in store.ListDocumentsAsync(Folder, cancellation))
        {
            if (await store.ReadDocumentAsync(key, cancellation) is not { } document) continue;
            var lease = JsonSerializer.Deserialize<LeaseDocument>(document.Content);
            if (lease is not null && lease.Expires > now)
            {
                foreach (var digest in lease.Digests) leased.Add(Digest.Parse(digest));
                continue;
            }
            if (!removeExpired) continue;
            try
            {
                await store.DeleteDocumentAsync(key, document.ETag, cancellation);
            }
            catch (DocumentConflictException)
            {
                // Written again since it was read: a build renewed it.
                if (await store.ReadDocumentAsync(key, cancellation) is { } renewed && JsonSerializer.Deserialize<LeaseDocument>(renewed.Content) is { } again)
                    foreach (var digest in again.Digests) leased.Add(Digest.Parse(digest));
            }
        }
        return leased;
    }
}

/// <summary>One build's lease; disposing releases it.</summary>
public sealed class BlobLease : IAsyncDisposable
{
    private readonly BlobLeases _leases;
    private readonly string _key;
    private readonly TimeSpan _lifetime;
    private readonly HashSet<Digest> _digests = [];
    private bool _written;

    internal BlobLease(BlobLeases leases, string key, TimeSpan lifetime)
    {
        _leases = leases;
        _key = key;
        _lifetime = lifetime;
    }

    /// <summary>
    /// Leases <paramref name="digests"/> (with those held already) and waits
    /// out a collection that is deleting. Blobs found in storage after this
    /// returns stay there until the lease is released or expires.
    /// </summary>
    public async Task HoldAsync(IEnumerable<Digest> digests, CancellationToken cancellation)
    {
        _digests.UnionWith(digests);
        await _leases.WriteAsync(_key, _digests, _lifetime, cancellation);
        _written = true;
        await _leases.WaitForSweepAsync(cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_written) return;
        try
        {
            await _leases.DeleteAsync(_key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The image is recorded already; a lease left behind ends at its expiry.
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// Warm manifests without grain calls, in every process that serves the
/// registry API (silo or separate frontend).
///
/// By digest: a manifest never changes, so it is kept until evicted. By tag:
/// the image a tag resolved to is kept for as long as the package source
/// says a resolution holds (for ever for a pinned commit, the refresh
/// interval for a path, branch or channel, and at most
/// <see cref="MaxLifetime"/>), and once that has passed it is still served
/// while one background lookup asks the resolver again, as the resolver
/// itself does. A source resolves a tag to a revision whatever the name, so
/// that lookup is shared by every name cached under the tag
/// (<see cref="TagRevision"/>): ten thousand cached images of one branch
/// cost one resolve per refresh interval, not ten thousand. Only when the
/// revision moved, or <see cref="MaxLifetime"/> after the image's grain was
/// last asked, is an entry looked up on its own, resolver and image grain;
/// that lookup is what records the pull in the grain, so garbage collection
/// still sees the image in use. No lookup ever starts a build.
///
/// Memory: at most <see cref="Capacity"/> tags, <see cref="DigestCapacity"/>
/// manifests of a few KiB each (both of a tag's manifests are shared with
/// the digest map, not copied), <see cref="BlobCapacity"/> blob sizes and
/// <see cref="Capacity"/> tag revisions: tens of MiB in all.
///
/// Nothing is served unless the cache has confirmed, less than
/// <see cref="ICacheEpochGrain.Validity"/> ago, that the cluster is in the
/// epoch the entry was filled in and that no collection is sweeping blobs;
/// see <see cref="ICacheEpochGrain"/> for why that means a manifest whose
/// blobs were collected is never served. When the cluster cannot be asked,
/// every request takes the slow path, exactly as without a cache.
///
/// The blobs a cached manifest names (config and layers, with their sizes)
/// are known to exist under the same rule, since an image is published only
/// after its blobs: object storage can then redirect a client to them
/// without asking storage first (<see cref="IBlobStore.LocateKnownAsync"/>),
/// for <see cref="BlobDeliveryOptions.RedirectRecheck"/> after storage last
/// said so. Then one request asks storage again (<see cref="BlobFound"/>),
/// and a blob storage lost is repaired rather than redirected to for as long
/// as its manifest stays cached.
/// </summary>
public sealed class ManifestCache(ImageLookup lookup, IGrainFactory grains, IOptions<StorageOptions> storage, ILogger<ManifestCache> logger)
{
    private readonly long _blobRecheck = (long)(storage.Value.Delivery.RedirectRecheck.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Tags: a warm set of 10,000 images (issue 9) with room to spare, since the eviction is not by use.</summary>
    public const int Capacity = 16_384;

    /// <summary>Manifests by digest: each cached tag brings two (Docker and OCI), and a smaller map would evict them in turns.</summary>
    public const int DigestCapacity = 2 * Capacity;

    /// <summary>Blobs known to exist: an image names a config and a few layers, most shared with other images.</summary>
    public const int BlobCapacity = 4 * Capacity;

    /// <summary>
    /// Longest time a tag is answered without asking its grain: well under
    /// the hour after which a grain records a pull again, so an image in use
    /// is never expired by garbage collection for looking unused.
    /// </summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long to wait before refreshing again after a refresh could not reach the cluster.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Digest, DigestEntry> _digests = new();
    private readonly ConcurrentDictionary<TagKey, TagEntry> _tags = new();
    private readonly ConcurrentDictionary<Digest, BlobEntry> _blobs = new();
    private readonly ConcurrentDictionary<string, TagRevision> _revisions = new();
    private int _digestCount;
    private int _tagCount;
    private int _blobCount;
    private int _revisionCount;
    private Confirmation? _confirmation;
    private int _polling;

    public bool TryGet(Digest digest, out PreparedManifest manifest)
    {
        manifest = null!;
        if (!_digests.TryGetValue(digest, out var entry) || !Serves(entry.Epoch)) return false;
        manifest = entry.Manifest;
        return true;
    }

    public bool TryGet(string name, string tag, out PreparedImage image)
    {
        image = null!;
        if (!_tags.TryGetValue(new TagKey(name, tag), out var entry) || !Serves(entry.Epoch)) return false;
        var now = Stopwatch.GetTimestamp();
        var revision = entry.Revision;
        if (!revision.Moved && now >= Volatile.Read(ref revision.FreshUntil) && Interlocked.Exchange(ref revision.Refreshing, 1) == 0)
            _ = RefreshAsync(name, tag, revision);
        if ((now >= Volatile.Read(ref entry.ConfirmUntil) || (revision.Moved && now >= Volatile.Read(ref entry.RetryAt)))
            && Interlocked.Exchange(ref entry.Refreshing, 1) == 0)
            _ = RefreshAsync(new TagKey(name, tag), entry);
        image = entry.Image;
        return true;
    }

    /// <summary>The size of a blob a cached manifest names, when it may be trusted to exist.</summary>
    public bool TryGetBlobSize(Digest digest, out long size)
    {
        size = 0;
        if (!_blobs.TryGetValue(digest, out var entry) || !Serves(entry.Epoch)) return false;
        if (Stopwatch.GetTimestamp() - Volatile.Read(ref entry.CheckedAt) >= _blobRecheck) return false;
        size = entry.Size;
        return true;
    }

    /// <summary>Storage has just said the blob exists: it is trusted for another recheck interval.</summary>
    public void BlobFound(Digest digest)
    {
        if (_blobs.TryGetValue(digest, out var entry)) Volatile.Write(ref entry.CheckedAt, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// The epoch to file what is about to be read from the cluster or storage
    /// under, asked for before reading; null when nothing may be cached now
    /// (a sweep is open, or the cluster cannot be asked).
    /// </summary>
    public async ValueTask<long?> EpochForFillAsync()
    {
        var confirmation = Volatile.Read(ref _confirmation);
        if (confirmation is null || Stopwatch.GetElapsedTime(confirmation.SentAt) > ICacheEpochGrain.PollInterval)
            confirmation = await PollAsync() ?? confirmation;
        if (confirmation is null || confirmation.Epoch.Sweeping || Stopwatch.GetElapsedTime(confirmation.SentAt) > ICacheEpochGrain.Validity)
            return null;
        return confirmation.Epoch.Number;
    }

    public void Add(PreparedManifest manifest, long epoch)
    {
        Put(_digests, manifest.Digest, new DigestEntry(manifest, epoch), ref _digestCount, DigestCapacity);
        foreach (var (blob, size) in manifest.Blobs)
        {
            // A manifest filed again (a refresh) says nothing new about its blobs: when storage last confirmed one stays.
            if (_blobs.TryGetValue(blob, out var known) && known.Epoch == epoch) continue;
            Put(_blobs, blob, new BlobEntry(size, epoch, known?.CheckedAt ?? Stopwatch.GetTimestamp()), ref _blobCount, BlobCapacity);
        }
    }

    /// <summary>
    /// Files an image found by tag, with the request the tag resolved to;
    /// a lifetime of zero (the source is asked on every request) caches nothing.
    /// </summary>
    public void Add(string name, string tag, PreparedImage image, ImageRequest request, TimeSpan lifetime, long epoch)
    {
        if (lifetime <= TimeSpan.Zero) return;
        Add(image.Docker, epoch);
        Add(image.Oci, epoch);
        var entry = new TagEntry(image, epoch, RevisionOf(tag, request, lifetime), FreshUntil(MaxLifetime));
        Put(_tags, new TagKey(name, tag), entry, ref _tagCount, Capacity);
    }

    /// <summary>The tag's current revision when the request was made from it, or a new one that replaces it.</summary>
    private TagRevision RevisionOf(string tag, ImageRequest request, TimeSpan lifetime)
    {
        if (_revisions.TryGetValue(tag, out var current) && !current.Moved && current.Matches(request)) return current;
        var revision = new TagRevision(request.Source, request.Recipe, FreshUntil(lifetime));
        // A tag filed under another revision than the one cached has moved (or another silo's
        // resolver has not seen the move yet): the entries filed under the old one are each
        // looked up again, which is what every entry did before revisions were shared.
        if (current is not null) current.Moved = true;
        Put(_revisions, tag, revision, ref _revisionCount, Capacity);
        return revision;
    }

    private bool Serves(long epoch)
    {
        var confirmation = Volatile.Read(ref _confirmation);
        if (confirmation is null) return false;
        var age = Stopwatch.GetElapsedTime(confirmation.SentAt);
        if (age > ICacheEpochGrain.PollInterval) StartPoll();
        return !confirmation.Epoch.Sweeping && confirmation.Epoch.Number == epoch && age <= ICacheEpochGrain.Validity;
    }

    private void StartPoll()
    {
        if (Volatile.Read(ref _polling) == 0) _ = PollAsync();
    }

    /// <summary>Asks the cluster for its epoch; one question at a time, the others reuse the last answer.</summary>
    private async Task<Confirmation?> PollAsync()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1) return null;
        try
        {
            // The time the question was sent, not answered: the answer may have been true only until then.
            var sent = Stopwatch.GetTimestamp();
            // Bounded like every call of a request (GrainPolling): one lost with a dead silo would otherwise wait out its response timeout.
            var epoch = await grains.GetGrain<ICacheEpochGrain>(0).Current().WaitAsync(GrainPolling.AnswerWithin);
            var confirmation = new Confirmation(epoch, sent);
            Volatile.Write(ref _confirmation, confirmation);
            return confirmation;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "the cache epoch could not be confirmed");
            return null;
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <summary>
    /// Asks the resolver what the tag gives now, for one of the names cached
    /// under it: the same revision extends every entry filed under it;
    /// anything else (another revision, a refusal) marks it moved, and each
    /// entry is then looked up on its own.
    /// </summary>
    private async Task RefreshAsync(string name, string tag, TagRevision revision)
    {
        try
        {
            var resolved = await lookup.ResolveAsync(name, tag);
            if (resolved.Request is { } request && revision.Matches(request) && resolved.Lifetime > TimeSpan.Zero)
                Volatile.Write(ref revision.FreshUntil, FreshUntil(resolved.Lifetime));
            else
                revision.Moved = true;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "refreshing the revision of tag {Tag} failed", tag);
            Volatile.Write(ref revision.FreshUntil, FreshUntil(RetryAfterFailure));
        }
        finally
        {
            Volatile.Write(ref revision.Refreshing, 0);
        }
    }

    private async Task RefreshAsync(TagKey key, TagEntry entry)
    {
        try
        {
            var epoch = await EpochForFillAsync();
            var resolved = await lookup.ResolveAsync(key.Name, key.Tag);
            // A refresh never starts a build: the tag moved to an image not built yet, or the
            // source refuses it now, so the next request takes the slow path, where the client's
            // permission to build and the cold-build limits are checked.
            if (resolved.Request is null || !await lookup.IsBuiltAsync(resolved.Request))
            {
                Remove(key, entry);
                return;
            }
            var found = await lookup.AwaitAsync(resolved, CancellationToken.None);
            if (found.Image is { } image)
            {
                var prepared = image.Docker.Digest == entry.Image.Docker.Digest && image.Oci.Digest == entry.Image.Oci.Digest
                    ? entry.Image
                    : new PreparedImage(image);
                if (epoch is { } number && found.Lifetime > TimeSpan.Zero) Add(key.Name, key.Tag, prepared, resolved.Request, found.Lifetime, number);
                else Remove(key, entry);
            }
            else
            {
                // The tag no longer gives an image (the source moved to a revision that fails, or a
                // tag was removed): the next request takes the slow path and reports why.
                Remove(key, entry);
            }
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "refreshing {Name}:{Tag} failed", key.Name, key.Tag);
            var retry = FreshUntil(RetryAfterFailure);
            Volatile.Write(ref entry.RetryAt, retry);
            Volatile.Write(ref entry.ConfirmUntil, retry);
        }
        finally
        {
            Volatile.Write(ref entry.Refreshing, 0);
        }
    }

    private void Remove(TagKey key, TagEntry entry)
    {
        if (_tags.TryRemove(new KeyValuePair<TagKey, TagEntry>(key, entry))) Interlocked.Decrement(ref _tagCount);
    }

    private static long FreshUntil(TimeSpan lifetime)
    {
        if (lifetime > MaxLifetime) lifetime = MaxLifetime;
        return Stopwatch.GetTimestamp() + (long)(lifetime.TotalSeconds * Stopwatch.Frequency);
    }

    private static void Put<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, TKey key, TValue value, ref int count, int capacity) where TKey : notnull
    {
        if (map.TryAdd(key, value))
        {
            if (Interlocked.Increment(ref count) > capacity) Evict(map, ref count, capacity);
        }
        else
        {
            map[key] = value;
        }
    }

    /// <summary>Drops about a tenth of the entries, whichever come first: cheap, and no bookkeeping on the hit path.</summary>
    private static void Evict<TKey, TValue>(ConcurrentDictionary<TKey, TValue> map, ref int count, int capacity) where TKey : notnull
    {
        var excess = Volatile.Read(ref count) - capacity + capacity / 10;
        foreach (var key in map.Keys)
        {
            if (excess-- <= 0) break;
            if (map.TryRemove(key, out _)) Interlocked.Decrement(ref count);
        }
    }

    private readonly record struct TagKey(string Name, string Tag);

    private sealed record DigestEntry(PreparedManifest Manifest, long Epoch);

    private sealed class BlobEntry(long size, long epoch, long checkedAt)
    {
        public long Size { get; } = size;
        public long Epoch { get; } = epoch;
        public long CheckedAt = checkedAt;
    }

    /// <param name="confirmUntil">When the image's grain is to be asked again: <see cref="MaxLifetime"/> after it last was.</param>
    private sealed class TagEntry(PreparedImage image, long epoch, TagRevision revision, long confirmUntil)
    {
        public PreparedImage Image { get; } = image;
        public long Epoch { get; } = epoch;
        public TagRevision Revision { get; } = revision;
        public long ConfirmUntil = confirmUntil;

        /// <summary>Not before then is a failed lookup tried again.</summary>
        public long RetryAt;
        public int Refreshing;
    }

    /// <summary>
    /// What a tag resolved to (the source revision, and the silo's recipe,
    /// the other input of an image key a tag does not name), shared by every
    /// entry filed under it, and until when that answer holds.
    /// </summary>
    private sealed class TagRevision(SourceRevision source, string recipe, long freshUntil)
    {
        public long FreshUntil = freshUntil;
        public int Refreshing;
        private volatile bool _moved;

        /// <summary>The tag gave something else since: the entries filed under this revision are each looked up again.</summary>
        public bool Moved { get => _moved; set => _moved = value; }

        public bool Matches(ImageRequest request) => request.Source == source && request.Recipe == recipe;
    }

    private sealed record Confirmation(CacheEpoch Epoch, long SentAt);
}

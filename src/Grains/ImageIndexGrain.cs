using Nixery.Collection;
using Nixery.Images;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Keeps, in memory, which image names each blob. Image grains report each
/// entry they write; a blob it does not know makes it list the index again
/// (keys only) and read the entries it has not seen, at most once per
/// <see cref="IImageIndexGrain.ListInterval"/>, so a flood of unknown digests
/// costs one listing per interval. One listing runs at a time, and callers
/// wait for it at most <see cref="ListingWait"/> (the first listing of a
/// large index on object storage reads every entry; nobody should wait for
/// all of it, the warm-up's requests for an absent blob least of all).
/// </summary>
[Reentrant]
public sealed class ImageIndexGrain(ImageIndex index, TimeProvider clock) : Grain, IImageIndexGrain
{
    private static readonly TimeSpan ListingWait = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Digest[]> _images = [];
    private readonly Dictionary<Digest, string> _owners = [];
    private DateTimeOffset? _listed;
    private Task? _listing;

    public async Task<string?> ImageNaming(Digest blob)
    {
        if (_owners.TryGetValue(blob, out var owner)) return owner;
        if (_listing is not { IsCompleted: false } && (_listed is not { } listed || clock.GetUtcNow() - listed >= IImageIndexGrain.ListInterval))
        {
            _listed = clock.GetUtcNow();
            _listing = ListAsync();
        }
        if (_listing is { IsCompleted: false } listing)
        {
            try
            {
                await listing.WaitAsync(ListingWait);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        return _owners.GetValueOrDefault(blob);
    }

    public Task Recorded(string image, Digest[] blobs)
    {
        GrainKeyGuard.Require(image);
        Add(image, blobs);
        return Task.CompletedTask;
    }

    private async Task ListAsync()
    {
        // Only images known when the listing began can be judged gone by it:
        // one recorded meanwhile may have been written after storage answered.
        var known = _images.Keys.ToHashSet();
        var keys = new HashSet<string>();
        await foreach (var key in index.KeysAsync(CancellationToken.None)) keys.Add(key);
        if (known.Except(keys).ToArray() is { Length: > 0 } expired)
        {
            foreach (var key in expired) _images.Remove(key);
            // What they named may now be named by another image, or by no one.
            _owners.Clear();
            foreach (var (key, blobs) in _images) Name(key, blobs);
        }
        foreach (var key in keys.Where(key => !_images.ContainsKey(key)).ToArray())
        {
            if (await index.ReadAsync(key, CancellationToken.None) is { } entry && !_images.ContainsKey(key))
                Add(entry.Key, entry.Blobs.Select(Digest.Parse).ToArray());
        }
    }

    private void Add(string image, Digest[] blobs)
    {
        _images[image] = blobs;
        Name(image, blobs);
    }

    private void Name(string image, Digest[] blobs)
    {
        foreach (var digest in blobs) _owners.TryAdd(digest, image);
    }
}

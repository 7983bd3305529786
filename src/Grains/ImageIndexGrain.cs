using Nixery.Collection;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Keeps, in memory, which image names each blob, from the documents of the
/// image index. A blob it does not know makes it list the index again (keys
/// only) and read the entries it has not seen, at most once per
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

    private readonly Dictionary<Digest, string> _owners = [];
    private readonly HashSet<string> _read = [];
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

    private async Task ListAsync()
    {
        var keys = new HashSet<string>();
        await foreach (var key in index.KeysAsync(CancellationToken.None)) keys.Add(key);
        if (!_read.IsSubsetOf(keys))
        {
            // Images were expired: what they named may now be named by no one.
            _read.Clear();
            _owners.Clear();
        }
        foreach (var key in keys.Except(_read).ToArray())
        {
            if (await index.ReadAsync(key, CancellationToken.None) is { } entry)
                foreach (var digest in entry.Blobs) _owners.TryAdd(Digest.Parse(digest), entry.Key);
            _read.Add(key);
        }
    }
}

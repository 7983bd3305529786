using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Nix;

namespace Nixery.Sources;

/// <summary>
/// Holds the package-set trees this silo imported into its Nix store under
/// <c>NIXERY_SOURCE_CACHE_SIZE</c>. Every revision a client names (a commit,
/// a channel, a changed path) is a whole copy of the package set in the
/// store, and nothing else ever removes one (issue 8: source caches grew
/// without bound). After each import the least recently used revisions
/// that no build or evaluation is using are deleted from the store until
/// the rest fit; the newest import always stays. A revision needed again is
/// imported again (<see cref="RevisionImports"/>). Nix deletes only paths
/// nothing references or roots, so a tree still in use elsewhere stays, and
/// counts no more here. Imports from before a restart are not known here;
/// they are unrooted and go with Nix's own garbage collection.
/// </summary>
public sealed class SourceStoreBudget(NixBuilder nix, IOptions<SourceOptions> options, ILogger<SourceStoreBudget> logger)
{
    private readonly long _limit = options.Value.CacheSizeMegabytes * 1024 * 1024;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // Taken to evict and to start a use, so that a tree is never deleted between a build's check that it is there and its use.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _sequence;

    private sealed class Entry
    {
        public long Size;
        public long LastUsed;
        public int Users;
    }

    /// <summary>The bytes (NAR size) of the revisions this silo keeps.</summary>
    public long Bytes
    {
        get
        {
            lock (_entries) return _entries.Values.Sum(e => e.Size);
        }
    }

    /// <summary>Marks <paramref name="storePath"/> as in use until the lease is disposed: it is not evicted meanwhile.</summary>
    public async Task<IDisposable> UseAsync(string storePath, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            lock (_entries)
            {
                var entry = EntryOf(storePath);
                entry.Users++;
                entry.LastUsed = ++_sequence;
            }
            return new Lease(this, storePath);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Counts a new import and evicts the least recently used revisions over the budget.</summary>
    public async Task AddedAsync(string storePath, CancellationToken cancellation)
    {
        var size = await nix.NarSizeAsync(storePath, cancellation);
        lock (_entries)
        {
            var entry = EntryOf(storePath);
            entry.Size = size;
            entry.LastUsed = ++_sequence;
        }
        await _gate.WaitAsync(cancellation);
        try
        {
            while (Victim(storePath) is { } victim)
            {
                if (await nix.DeleteAsync(victim.Path, CancellationToken.None))
                    logger.LogInformation("source {StorePath} ({Size} bytes) deleted from the store: over NIXERY_SOURCE_CACHE_SIZE", victim.Path, victim.Size);
                else
                    logger.LogInformation("source {StorePath} is still referenced; left to Nix's garbage collection", victim.Path);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The least recently used revision not in use and not <paramref name="newest"/>, taken off the books, while over the budget.</summary>
    private (string Path, long Size)? Victim(string newest)
    {
        lock (_entries)
        {
            if (_entries.Values.Sum(e => e.Size) <= _limit) return null;
            var victim = _entries.Where(e => e.Key != newest && e.Value.Users == 0).MinBy(e => e.Value.LastUsed);
            if (victim.Key is null) return null;
            _entries.Remove(victim.Key);
            return (victim.Key, victim.Value.Size);
        }
    }

    private Entry EntryOf(string storePath)
    {
        if (!_entries.TryGetValue(storePath, out var entry)) _entries[storePath] = entry = new Entry();
        return entry;
    }

    private void Release(string storePath)
    {
        lock (_entries)
        {
            if (_entries.TryGetValue(storePath, out var entry)) entry.Users--;
        }
    }

    private sealed class Lease(SourceStoreBudget budget, string storePath) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) budget.Release(storePath);
        }
    }
}

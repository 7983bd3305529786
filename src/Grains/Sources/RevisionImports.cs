using System.Collections.Concurrent;
using Nixery.Nix;

namespace Nixery.Sources;

/// <summary>
/// Makes sure the revision a build reads is in this silo's Nix store. A tag
/// is resolved (and its tree imported) on the silo that receives the pull,
/// but the image may be built on another one, and each silo of a cluster has
/// a store of its own (issue 8): the building silo imports the revision again
/// from its source. Concurrent builds of one revision share one import; a
/// failed import is not remembered, so the next build tries again. A
/// revision the <see cref="SourceStoreBudget"/> deleted is imported again.
/// Nix is asked whether the revision is there only when this silo's own
/// root does not already say so (<see cref="SourceImporter.IsRooted"/>).
/// </summary>
public sealed class RevisionImports(IPackageSource source, NixBuilder nix, SourceStoreBudget budget, SourceImporter importer)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _running = new(StringComparer.Ordinal);

    /// <summary>The revision in this silo's store, kept there (not evicted) until the lease is disposed.</summary>
    public async Task<IDisposable> UseAsync(SourceRevision revision, CancellationToken cancellation)
    {
        var lease = await budget.UseAsync(SourceImporter.StorePathOf(revision), cancellation);
        try
        {
            await EnsureAsync(revision, cancellation);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private async Task EnsureAsync(SourceRevision revision, CancellationToken cancellation)
    {
        var storePath = SourceImporter.StorePathOf(revision);
        if (importer.IsRooted(revision) || await nix.IsValidAsync(storePath, cancellation)) return;
        var import = _running.GetOrAdd(storePath, path => new Lazy<Task>(() => ImportAsync(revision, path)));
        await import.Value.WaitAsync(cancellation);
    }

    private async Task ImportAsync(SourceRevision revision, string storePath)
    {
        // Yields first, so the entry is in the dictionary before it can be removed.
        await Task.Yield();
        try
        {
            // Not the caller's token: other builds may be waiting for this import.
            var imported = await source.RestoreAsync(revision, CancellationToken.None);
            if (imported.NixSource != revision.NixSource)
            {
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                    $"revision {revision.Kind}:{revision.Id} changed since the tag was resolved; pull again"));
            }
        }
        finally
        {
            _running.TryRemove(storePath, out _);
        }
    }
}

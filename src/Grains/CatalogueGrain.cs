using Microsoft.Extensions.Logging;
using Nixery.Catalogue;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Holds one revision's catalogue in memory and answers from it. The
/// catalogue is loaded (from storage, or by Nix) in the background on the
/// first question; until it is there, searches say it is being computed and
/// checks answer "unknown", so nobody waits on an evaluation of nixpkgs.
/// A failed load is retried after a minute.
/// </summary>
[Reentrant]
public sealed class CatalogueGrain(CatalogueSource source, TimeProvider clock, ILogger<CatalogueGrain> logger) : Grain, ICatalogueGrain
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LoadLimit = TimeSpan.FromMinutes(30);

    private PackageCatalogue? _catalogue;
    private Task? _loading;
    private (string Message, DateTimeOffset At)? _failure;

    public Task<CatalogueSearch> Search(SourceRevision revision, string system, string query, int limit)
    {
        if (!Ensure(revision, system, out var catalogue))
            return Task.FromResult(new CatalogueSearch(_failure is null ? CatalogueState.Computing : CatalogueState.Failed, 0, 0, [], _failure?.Message));
        var (results, matches) = catalogue.Search(query, Math.Clamp(limit, 1, 200));
        return Task.FromResult(new CatalogueSearch(CatalogueState.Ready, catalogue.Count, matches, results, null));
    }

    public Task<IReadOnlyList<string>?> Missing(SourceRevision revision, string system, IReadOnlyList<string> packages) =>
        Task.FromResult(Ensure(revision, system, out var catalogue) ? catalogue.Missing(packages) : null);

    public async Task<bool> Load(SourceRevision revision, string system)
    {
        if (Ensure(revision, system, out _)) return true;
        if (_loading is { } loading) await loading;
        return _catalogue is not null;
    }

    private bool Ensure(SourceRevision revision, string system, out PackageCatalogue catalogue)
    {
        catalogue = _catalogue!;
        if (_catalogue is not null) return true;
        if (CatalogueKey.Of(revision, system) != this.GetPrimaryKeyString())
            throw new ArgumentException("the revision does not belong to this catalogue");
        if (_loading is null && (_failure is not { } failure || clock.GetUtcNow() - failure.At > RetryAfter))
            _loading = LoadAsync(revision, system);
        return false;
    }

    private async Task LoadAsync(SourceRevision revision, string system)
    {
        DelayDeactivation(LoadLimit);
        using var limit = new CancellationTokenSource(LoadLimit);
        try
        {
            var platform = system == Platform.Arm64.NixSystem ? Platform.Arm64 : Platform.Amd64;
            _catalogue = await Task.Run(() => source.LoadAsync(revision, platform, limit.Token));
            _failure = null;
        }
        catch (Exception e)
        {
            var message = e is BuildFailedException failed ? failed.Error.Message : e.Message;
            logger.LogWarning("catalogue of {Source} for {System} failed: {Message}", revision.Id, system, message);
            _failure = (message, clock.GetUtcNow());
        }
        finally
        {
            _loading = null;
            DelayDeactivation(TimeSpan.Zero);
        }
    }
}

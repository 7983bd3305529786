using Microsoft.Extensions.Options;
using Nixery.Metrics;
using Nixery.Nix;

namespace Nixery.Images;

/// <summary>
/// Limits how many Nix builds one silo runs at once
/// (<c>NIXERY_MAX_CONCURRENT_BUILDS</c>); the rest wait their turn in order.
/// </summary>
public sealed class BuildSlots(IOptions<NixOptions> options, RegistryMetrics metrics)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentBuilds, options.Value.MaxConcurrentBuilds);

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellation)
    {
        metrics.BuildQueued(1);
        try
        {
            await _slots.WaitAsync(cancellation);
        }
        finally
        {
            metrics.BuildQueued(-1);
        }
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

using Microsoft.Extensions.Options;
using Nixery.Metrics;
using Nixery.Nix;

namespace Nixery.Images;

/// <summary>
/// Limits how many Nix builds one silo runs at once
/// (<c>NIXERY_MAX_CONCURRENT_BUILDS</c>); the rest wait their turn in order,
/// up to <c>NIXERY_MAX_QUEUED_BUILDS</c> of them. A build beyond that is
/// refused (<see cref="BuildErrorKind.Busy"/>, a 429 for the client) rather
/// than queued: a burst of distinct cold pulls must not become hours of
/// queued work and memory.
/// </summary>
public sealed class BuildSlots(IOptions<NixOptions> options, RegistryMetrics metrics)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentBuilds, options.Value.MaxConcurrentBuilds);
    private readonly int _maxQueued = options.Value.MaxQueuedBuilds;
    private int _queued;

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellation)
    {
        if (_slots.Wait(0)) return new Slot(_slots);
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.Busy,
                $"too many builds are waiting ({_maxQueued}, NIXERY_MAX_QUEUED_BUILDS); try again later"));
        }
        metrics.BuildQueued(1);
        try
        {
            await _slots.WaitAsync(cancellation);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
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

namespace Nixery.Sources;

/// <summary>
/// One value computed at a time and refreshed after it expires: concurrent
/// callers share the computation under way (its success or its failure).
/// Once there is a value, an expired one is still returned while a single
/// refresh runs in the background, so no request waits for a re-hash of a
/// package set; a failed refresh keeps the old value and is tried again
/// later. With a lifetime of zero every call computes afresh.
/// </summary>
public sealed class ExpiringSingleFlight<T>(TimeSpan lifetime, TimeProvider clock) where T : class
{
    private readonly object _gate = new();
    private Task<T>? _running;
    private T? _value;
    private DateTimeOffset _expires;

    public Task<T> GetAsync(Func<CancellationToken, Task<T>> compute, CancellationToken cancellation)
    {
        lock (_gate)
        {
            var stale = _value is null || clock.GetUtcNow() >= _expires;
            if (stale && _running is null)
            {
                _running = Compute(compute);
                // A background refresh may fail with nobody waiting; its error is not news.
                _running.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            }
            if (_value is { } value && lifetime > TimeSpan.Zero) return Task.FromResult(value);
            return _running!.WaitAsync(cancellation);
        }
    }

    private async Task<T> Compute(Func<CancellationToken, Task<T>> compute)
    {
        await Task.Yield();
        try
        {
            var value = await compute(CancellationToken.None);
            lock (_gate)
            {
                _value = value;
                var now = clock.GetUtcNow();
                _expires = lifetime >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + lifetime;
            }
            return value;
        }
        finally
        {
            lock (_gate) _running = null;
        }
    }
}

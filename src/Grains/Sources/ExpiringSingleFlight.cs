namespace Nixery.Sources;

/// <summary>
/// One value computed at a time and reused until it expires: concurrent
/// callers share the computation under way (its success or its failure), and
/// a failure is not kept, so the next caller tries again. A caller that
/// cancels stops waiting; the computation goes on for the others.
/// </summary>
public sealed class ExpiringSingleFlight<T>(TimeSpan lifetime, TimeProvider clock)
{
    private readonly object _gate = new();
    private Task<T>? _current;
    private DateTimeOffset _expires;

    public Task<T> GetAsync(Func<CancellationToken, Task<T>> compute, CancellationToken cancellation)
    {
        Task<T> task;
        lock (_gate)
        {
            var fresh = _current is { IsCompletedSuccessfully: true } && clock.GetUtcNow() < _expires;
            var running = _current is { IsCompleted: false };
            if (!fresh && !running)
            {
                _current = Compute(compute);
            }
            task = _current!;
        }
        return task.WaitAsync(cancellation);
    }

    private async Task<T> Compute(Func<CancellationToken, Task<T>> compute)
    {
        await Task.Yield();
        var value = await compute(CancellationToken.None);
        lock (_gate) _expires = clock.GetUtcNow() + lifetime;
        return value;
    }
}

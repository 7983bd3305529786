namespace Nixery;

/// <summary>
/// A build that every caller joins: the first caller starts it, the others
/// wait on the same run and all receive its outcome. A caller waits at most
/// a given time (then hears "not yet" and polls again) and may cancel its
/// own wait; neither stops the run. Once the run ends the next caller starts
/// a new one. Used inside a grain, whose turn-based scheduling makes the
/// check-and-start atomic.
/// </summary>
public sealed class SharedBuild<T> where T : class
{
    private volatile Task<T>? _running;

    public bool IsRunning => _running is not null;

    /// <summary>Joins the run under way or starts one; null if it is still running after <paramref name="maxWait"/>.</summary>
    /// <param name="started">Called when this caller starts a new run.</param>
    public async Task<T?> JoinAsync(Func<Task<T>> build, TimeSpan maxWait, CancellationToken cancellation, Action? started = null)
    {
        var running = _running;
        if (running is null)
        {
            started?.Invoke();
            var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            _running = running = outcome.Task;
            _ = RunAsync(build, outcome);
        }
        try
        {
            return await running.WaitAsync(maxWait, cancellation);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The run ends (the next caller starts anew) before its waiters hear the outcome.</summary>
    private async Task RunAsync(Func<Task<T>> build, TaskCompletionSource<T> outcome)
    {
        try
        {
            var result = await build();
            _running = null;
            outcome.SetResult(result);
        }
        catch (Exception e)
        {
            _running = null;
            outcome.SetException(e);
        }
    }
}

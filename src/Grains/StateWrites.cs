namespace Nixery;

/// <summary>
/// A reentrant grain's state writes, one at a time. Calls interleave at
/// every await, and two writes that start from the same ETag make the second
/// fail with InconsistentStateException, which reached clients as a 500
/// (issue 8). Each write runs after the previous one has finished, so it
/// sees the state (and ETag) that one left and can decide again whether it
/// is still needed.
/// </summary>
public sealed class StateWrites
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RunAsync(Func<Task> write)
    {
        await _gate.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _gate.Release();
        }
    }
}

namespace Nixery.Storage;

/// <summary>An async mutual exclusion per key, whose entries go away when nobody holds them.</summary>
public sealed class KeyedLock
{
    private readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _gates = new();

    public async Task<IDisposable> LockAsync(string key, CancellationToken cancellation)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            var entry = _gates.TryGetValue(key, out var existing) ? existing : (Gate: new SemaphoreSlim(1, 1), Users: 0);
            _gates[key] = (entry.Gate, entry.Users + 1);
            gate = entry.Gate;
        }
        try
        {
            await gate.WaitAsync(cancellation);
        }
        catch
        {
            Release(key, gate, entered: false);
            throw;
        }
        return new Holder(() => Release(key, gate, entered: true));
    }

    private void Release(string key, SemaphoreSlim gate, bool entered)
    {
        if (entered) gate.Release();
        lock (_gates)
        {
            var entry = _gates[key];
            if (entry.Users == 1) _gates.Remove(key);
            else _gates[key] = (entry.Gate, entry.Users - 1);
        }
    }

    private sealed class Holder(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}

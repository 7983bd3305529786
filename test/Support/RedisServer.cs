namespace Nixery.Tests.Support;

/// <summary>
/// The Redis server the cluster tests use for membership and grain state:
/// the one named by <c>NIXERY_TEST_REDIS</c> (host:port, started by
/// scripts/test), else a private redis-server on a free port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ServerProcess? _process;

    private RedisServer(string address, ServerProcess? process)
    {
        Address = address;
        _process = process;
    }

    public string Address { get; }

    public static async Task<RedisServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_REDIS") is { Length: > 0 } shared) return new RedisServer(shared, null);
        var port = FreePorts.Lease();
        var process = await ServerProcess.StartAsync("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], port.Port, port);
        return new RedisServer($"127.0.0.1:{port.Port}", process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

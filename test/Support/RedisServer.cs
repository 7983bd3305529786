namespace Nixery.Tests.Support;

/// <summary>
/// The Redis server the cluster tests use for membership and grain state:
/// the one named by <c>NIXERY_TEST_REDIS</c> (host:port, started by
/// scripts/test), else a private redis-server on a free port. A server that
/// requires a password (<c>requirepass</c>, as deploy/ runs it) is always a
/// private one.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ServerProcess? _process;

    private RedisServer(string address, ServerProcess? process, string? password)
    {
        Address = address;
        _process = process;
        Password = password;
    }

    /// <summary>host:port</summary>
    public string Address { get; }

    public string? Password { get; }

    /// <summary>What the registry's <c>NIXERY_CLUSTERING_CONNECTION</c> holds: the address, and the password as the README writes it.</summary>
    public string ConnectionString => Password is null ? Address : $"{Address},password={Password}";

    public static async Task<RedisServer> StartAsync(string? password = null)
    {
        if (password is null && Environment.GetEnvironmentVariable("NIXERY_TEST_REDIS") is { Length: > 0 } shared) return new RedisServer(shared, null, null);
        var port = FreePorts.Lease();
        string[] authentication = password is null ? [] : ["--requirepass", password];
        var process = await ServerProcess.StartAsync("redis-server",
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. authentication], port.Port, port);
        return new RedisServer($"127.0.0.1:{port.Port}", process, password);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

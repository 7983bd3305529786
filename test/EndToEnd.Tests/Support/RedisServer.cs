using System.Diagnostics;

namespace Nixery.EndToEnd.Tests.Support;

/// <summary>
/// The Redis server the cluster tests use for membership and grain state:
/// the one scripts/test started (NIXERY_TEST_REDIS=host:port), or else a
/// private redis-server on a free port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _server;

    private RedisServer(string address, Process? server)
    {
        Address = address;
        _server = server;
    }

    public string Address { get; }

    public static async Task<RedisServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_REDIS") is { Length: > 0 } shared) return new RedisServer(shared, null);
        var port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) start.ArgumentList.Add(argument);
        var server = Process.Start(start)!;
        server.OutputDataReceived += (_, _) => { };
        server.BeginOutputReadLine();
        var address = $"127.0.0.1:{port}";
        for (var i = 0; i < 100 && (await Shell.TryAsync("redis-cli", "-p", port.ToString(), "ping")).Output.Trim() != "PONG"; i++) await Task.Delay(50);
        return new RedisServer(address, server);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        _server = null;
    }
}

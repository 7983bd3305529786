using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nixery.Tests.Support;

/// <summary>
/// The one launcher for long-running processes the tests start (the
/// registry, Azurite, s3rver, Redis, containerd): its output is kept for the
/// failure message, readiness is waited for with a deadline, and it is
/// stopped by its own process id, never by name.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public int Id => _process.Id;

    /// <summary>
    /// Starts a server whose port was leased from <see cref="FreePorts"/>
    /// (the leases are released as it starts) and waits, at most a minute,
    /// until <paramref name="port"/> accepts connections.
    /// </summary>
    public static Task<ServerProcess> StartAsync(string executable, IEnumerable<string> arguments, int port, params PortLease[] leases)
    {
        var start = new ProcessStartInfo(executable);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return StartAsync(start, () => AcceptsAsync(port), TimeSpan.FromSeconds(60), $"listen on port {port}", leases);
    }

    /// <summary>
    /// Starts <paramref name="start"/> and polls <paramref name="ready"/> until
    /// it answers true; fails with the process's output when it exits first or
    /// is not ready <paramref name="within"/> (<paramref name="readiness"/> says what was waited for).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(ProcessStartInfo start, Func<Task<bool>> ready, TimeSpan within, string readiness, params PortLease[] leases)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        foreach (var lease in leases) lease.Dispose();
        var server = new ServerProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
            {
                // HasExited can be true before the last lines were read; waiting for exit drains the output too.
                await server._process.WaitForExitAsync();
                throw new InvalidOperationException($"{start.FileName} exited with {server._process.ExitCode}:\n{server.Output}");
            }
            if (await ready()) return server;
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"{start.FileName} did not {readiness} within {within.TotalSeconds:0} s:\n{server.Output}");
    }

    /// <summary>Stops the process as an operator would (SIGTERM), killing it after 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(entireProcessTree: true);
        }
    }

    /// <summary>kill -9: of the process alone (as when a machine dies; its children go on) or with its children.</summary>
    public async Task KillAsync(bool entireProcessTree)
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync(entireProcessTree: true);
        _process.Dispose();
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}

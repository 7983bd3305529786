using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nixery.Tests.Support;

/// <summary>
/// A server process this test run started (Azurite, s3rver, Redis), ready
/// once its port accepts connections, its output kept for failure messages,
/// stopped by its own process id.
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

    /// <summary>
    /// Starts a server whose port was leased from <see cref="FreePorts"/>
    /// (the leases are released as it starts) and waits, at most a minute,
    /// until <paramref name="port"/> accepts connections.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string executable, IEnumerable<string> arguments, int port, params PortLease[] leases)
    {
        foreach (var lease in leases) lease.Dispose();
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var server = new ServerProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (server._process.HasExited)
                throw new InvalidOperationException($"{executable} exited with {server._process.ExitCode}:\n{server.Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        await server.DisposeAsync();
        throw new TimeoutException($"{executable} did not listen on port {port} within 60 s:\n{server.Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}

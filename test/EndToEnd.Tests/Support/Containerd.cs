namespace Nixery.EndToEnd.Tests.Support;

/// <summary>A containerd daemon started by the test, with private root, state and socket.</summary>
public sealed class Containerd : IAsyncLifetime
{
    private readonly TemporaryDirectory _work = new();
    private System.Diagnostics.Process? _daemon;

    public string Socket => _work.Combine("containerd.sock");

    public async Task InitializeAsync()
    {
        var config = _work.Combine("config.toml");
        await File.WriteAllTextAsync(config, $"""
            version = 2
            root = "{_work.Combine("root")}"
            state = "{_work.Combine("state")}"
            [grpc]
              address = "{Socket}"
            [ttrpc]
              address = "{Socket}.ttrpc"
            [plugins."io.containerd.grpc.v1.cri"]
              disable_tcp_service = true
            """);
        var start = new System.Diagnostics.ProcessStartInfo("containerd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        _daemon = System.Diagnostics.Process.Start(start)!;
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.BeginErrorReadLine();
        _daemon.BeginOutputReadLine();
        for (var i = 0; i < 200 && (await Shell.TryAsync("ctr", "--address", Socket, "version")).ExitCode != 0; i++) await Task.Delay(100);
    }

    public Task<string> CtrAsync(params string[] arguments) => Shell.RunAsync("ctr", ["--address", Socket, .. arguments]);

    public async Task DisposeAsync()
    {
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            await _daemon.WaitForExitAsync();
        }
        // Snapshots are overlay mounts under the private root; unmount before removing.
        await Shell.TryAsync("sh", "-c", $"grep -o ' {_work.Path}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
        _work.Dispose();
    }
}

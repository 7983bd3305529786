namespace Nixery.EndToEnd.Tests.Support;

/// <summary>A containerd daemon started by the test, with private root, state and socket.</summary>
public sealed class Containerd : IAsyncLifetime
{
    private readonly TemporaryDirectory _work = new();
    private ServerProcess? _daemon;

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
        _daemon = await ServerProcess.StartAsync(
            new System.Diagnostics.ProcessStartInfo("containerd", ["--config", config]),
            async () => (await Shell.TryAsync("ctr", "--address", Socket, "version")).ExitCode == 0,
            TimeSpan.FromSeconds(60), "answer `ctr version`");
    }

    public Task<string> CtrAsync(params string[] arguments) => Shell.RunAsync("ctr", ["--address", Socket, .. arguments]);

    public async Task DisposeAsync()
    {
        if (_daemon is not null) await _daemon.DisposeAsync();
        // Snapshots are overlay mounts under the private root; unmount before removing.
        await Shell.TryAsync("sh", "-c", $"grep -o ' {_work.Path}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l");
        _work.Dispose();
    }
}

using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// Real clients pull images that real Nix builds from the demo package set,
/// through the real registry process, and run programs from them.
/// </summary>
[Collection(Heavy.Name)]
public class ClientPullTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RegistryProcess Registry => fixture.Registry;

    [Fact]
    public async Task Skopeo_copies_shell_hello_and_umoci_unpacks_a_rootfs_where_hello_runs()
    {
        using var work = new TemporaryDirectory();
        var rootfs = await UnpackAsync(work, "shell/hello");
        Assert.Equal("Hello, world!\n", await Shell.RunAsync("chroot", rootfs, "/bin/hello"));
        Assert.Equal("from bash\n", await Shell.RunAsync("chroot", rootfs, "/bin/bash", "-c", "echo from bash"));
        Assert.Equal("ok\n", await Shell.RunAsync("chroot", rootfs, "/usr/bin/env", "echo", "ok"));
    }

    [Fact]
    public async Task The_customisation_layer_gives_tmp_certificates_and_a_symlink_farm()
    {
        using var work = new TemporaryDirectory();
        var rootfs = await UnpackAsync(work, "shell/git");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit,
            File.GetUnixFileMode(Path.Combine(rootfs, "tmp")));
        Assert.StartsWith("# Demo CA bundle", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc/ssl/certs/ca-bundle.crt")));
        Assert.StartsWith("/nix/store/", new FileInfo(Path.Combine(rootfs, "bin/git")).LinkTarget);
        Assert.Equal("git 2.44.0\n", await Shell.RunAsync("chroot", rootfs, "/bin/git"));
        Assert.Equal("5 parts\n", (await Shell.RunAsync("chroot", rootfs, "/bin/sh", "-c", "ls /bin/git /bin/ls /bin/bash /bin/nano /bin/sponge | wc -l")).Trim() + " parts\n");
    }

    [Fact]
    public async Task Unpacked_store_paths_are_byte_identical_to_the_nix_store()
    {
        using var work = new TemporaryDirectory();
        var rootfs = await UnpackAsync(work, "git/openssl");
        var storePaths = Directory.EnumerateFileSystemEntries(Path.Combine(rootfs, "nix/store")).Select(p => "/nix/store/" + Path.GetFileName(p)).ToArray();
        Assert.Contains(storePaths, p => p.EndsWith("-busybox-1.35.0", StringComparison.Ordinal));
        Assert.Contains(storePaths, p => p.EndsWith("-openssl-3.0.13-doc", StringComparison.Ordinal));
        foreach (var storePath in storePaths) AssertSameTree(storePath, rootfs + storePath);
    }

    [Fact]
    public async Task Umoci_accepts_the_multi_member_layers_of_the_large_package()
    {
        using var work = new TemporaryDirectory();
        var rootfs = await UnpackAsync(work, "large");
        Assert.Equal("large: 20 parts\n", await Shell.RunAsync("chroot", rootfs, "/bin/large"));
    }

    [Fact]
    public async Task Containerd_pulls_shell_hello_and_runs_hello()
    {
        await using var containerd = new ContainerdScope();
        var image = $"{Registry.Address}/shell/hello:latest";
        await containerd.Daemon.CtrAsync("image", "pull", "--plain-http", image);
        var output = await containerd.Daemon.CtrAsync("run", "--rm", image, "hello-" + Guid.NewGuid().ToString("N")[..8], "/bin/hello");
        Assert.Equal("Hello, world!\n", output);
    }

    [Fact]
    public async Task Containerd_unpacks_the_large_package_and_checks_its_diff_ids()
    {
        await using var containerd = new ContainerdScope();
        var image = $"{Registry.Address}/large:latest";
        await containerd.Daemon.CtrAsync("image", "pull", "--plain-http", image);
        var output = await containerd.Daemon.CtrAsync("run", "--rm", image, "large-" + Guid.NewGuid().ToString("N")[..8], "/bin/large");
        Assert.Equal("large: 20 parts\n", output);
    }

    [Fact]
    public async Task Podman_pulls_and_runs_the_large_package()
    {
        using var work = new TemporaryDirectory();
        var config = work.Combine("containers.conf");
        await File.WriteAllTextAsync(config, """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """);
        var environment = new Dictionary<string, string?> { ["CONTAINERS_CONF"] = config };
        string[] storage = ["--root", work.Combine("root"), "--runroot", work.Combine("runroot"), "--storage-driver", "vfs"];
        var image = $"{Registry.Address}/large:latest";
        try
        {
            await Shell.RunAsync("podman", [.. storage, "pull", "--tls-verify=false", image], environment);
            var output = await Shell.RunAsync("podman", [.. storage, "run", "--rm", "--network", "none", image, "/bin/large"], environment);
            Assert.Equal("large: 20 parts\n", output);
        }
        finally
        {
            await Shell.TryAsync("podman", [.. storage, "system", "reset", "--force"]);
        }
    }

    [Fact]
    public async Task Skopeo_reports_missing_packages_by_name()
    {
        var result = await Shell.TryAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{Registry.Address}/hello/no-such-thing:latest");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no-such-thing", result.ErrorTail);
    }

    [Fact]
    public async Task Skopeo_inspect_works_including_the_tag_list()
    {
        var output = await Shell.RunAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{Registry.Address}/hello:latest");
        Assert.Contains("\"RepoTags\": [", output);
        Assert.Contains("\"latest\"", output);
        Assert.Contains("\"Architecture\": \"amd64\"", output);
    }

    private async Task<string> UnpackAsync(TemporaryDirectory work, string name)
    {
        var layout = work.Combine("oci");
        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{Registry.Address}/{name}:latest", $"oci:{layout}:image");
        var bundle = work.Combine("bundle");
        await Shell.RunAsync("umoci", "unpack", "--image", $"{layout}:image", bundle);
        return Path.Combine(bundle, "rootfs");
    }

    private static void AssertSameTree(string expected, string actual)
    {
        var info = new FileInfo(expected);
        if (info.LinkTarget is { } target)
        {
            Assert.Equal(target, new FileInfo(actual).LinkTarget);
            return;
        }
        Assert.Equal(File.GetUnixFileMode(expected), File.GetUnixFileMode(actual));
        if (Directory.Exists(expected))
        {
            var children = Directory.EnumerateFileSystemEntries(expected).Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(children, Directory.EnumerateFileSystemEntries(actual).Select(Path.GetFileName).Order().ToArray());
            foreach (var child in children) AssertSameTree(Path.Combine(expected, child!), Path.Combine(actual, child!));
            return;
        }
        Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual)), $"{actual} differs from {expected}");
    }

    /// <summary>A containerd for one test, so tests do not share image stores.</summary>
    private sealed class ContainerdScope : IAsyncDisposable
    {
        public Containerd Daemon { get; } = new();

        public ContainerdScope() => Daemon.InitializeAsync().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync() => await Daemon.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Text;


namespace Nixery.EndToEnd.Tests.Support;

/// <summary>
/// The real registry: the Silo executable, as `scripts/run` starts it, on
/// free ports, with the demo package set and its own storage directory.
/// It can be stopped and started again on the same storage. With a private
/// Nix store it runs as a pod does: in its own mount namespace, where an
/// initially empty directory is mounted on /nix (real Nix initialises the
/// store on first use), so it sees no store path another process made.
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _executable;
    private ServerProcess? _process;
    private readonly StringBuilder _log = new();

    private readonly IReadOnlyDictionary<string, string>? _overrides;
    private readonly PortLease[] _ports;
    private readonly string _project;
    private readonly TemporaryDirectory? _nix;

    public RegistryProcess(string storagePath, IReadOnlyDictionary<string, string>? environment = null, string project = "Silo", bool privateNixStore = false)
    {
        _overrides = environment;
        _project = project;
        _nix = privateNixStore ? new TemporaryDirectory() : null;
        StoragePath = storagePath;
        _ports = [FreePorts.Lease(), FreePorts.Lease(), FreePorts.Lease()];
        Port = _ports[0].Port;
        _executable = Executable(project);
        _environment = new Dictionary<string, string>
        {
            ["PORT"] = Port.ToString(),
            ["NIXERY_PKGS_PATH"] = Repository.DemoPackageSet,
            ["NIXERY_STORAGE_BACKEND"] = "filesystem",
            ["STORAGE_PATH"] = storagePath,
            ["NIXERY_SILO_PORT"] = _ports[1].ToString(),
            ["NIXERY_GATEWAY_PORT"] = _ports[2].ToString(),
            ["NIX_CONF_DIR"] = Environment.GetEnvironmentVariable("NIX_CONF_DIR") ?? Path.Combine(Repository.Root, "demo", "nix"),
        };
        // Build users are machine-wide but their locks live in the store: Nix
        // kills whatever runs as a build user before it lends that user to a
        // build, so a private store sharing nixbld1 with the host's store, or
        // with another silo's, would kill their builds (signal 9). A pod has
        // its own users and processes; here the sandbox alone confines builds.
        if (privateNixStore) _environment["NIXERY_BUILD_USERS_GROUP"] = "";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) _environment[name] = value;
    }

    /// <summary>A process like this one, on new ports (and a new, empty store, as a rescheduled pod has).</summary>
    public RegistryProcess Successor() => new(StoragePath, _overrides, _project, _nix is not null);

    /// <summary>The directory mounted on /nix for this process, if it has a private store.</summary>
    public string? PrivateNixStore => _nix?.Path;

    public int Port { get; }

    /// <summary>The port of silo-to-silo traffic: how Orleans names this silo (<c>SiloAddress</c>).</summary>
    public int SiloPort => _ports[1].Port;

    public string StoragePath { get; }

    public string Address => $"127.0.0.1:{Port}";

    public HttpClient Http() => new() { BaseAddress = new Uri($"http://{Address}"), Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>The output of the current run (commands' output included), or of the last one once stopped.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log + (_process?.Output ?? "");
        }
    }

    /// <summary>What a command needs to reach this process as an Orleans client.</summary>
    public IReadOnlyDictionary<string, string> GatewayEnvironment => new Dictionary<string, string>
    {
        ["NIXERY_GATEWAY_PORT"] = _environment["NIXERY_GATEWAY_PORT"],
    };

    public Task<int> RunCommandAsync(params string[] arguments) => RunCommandAsync(arguments, null);

    /// <summary>Runs the executable with arguments (a command such as <c>popularity</c>) to its end; returns the exit code.</summary>
    public async Task<int> RunCommandAsync(string[] arguments, IReadOnlyDictionary<string, string>? overrides)
    {
        using var process = Process.Start(StartInfo(arguments, overrides))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Append(await output);
        Append(await errors);
        return process.ExitCode;
    }

    /// <summary>Starts the process; <see cref="Log"/> then holds this run's output only.</summary>
    public async Task StartAsync() => await StartAsync(TimeSpan.FromSeconds(90));

    /// <summary>Starts the process and waits at most <paramref name="readyWithin"/> for it to be ready.</summary>
    public async Task StartAsync(TimeSpan readyWithin)
    {
        lock (_log) _log.Clear();
        using var http = Http();
        _process = await ServerProcess.StartAsync(StartInfo([], null), async () =>
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, readyWithin, "answer /readyz", _ports);
    }

    /// <summary>Stops the process as an operator would (SIGTERM), waiting for it to shut down.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        await _process.StopAsync();
        await ForgetAsync();
    }

    /// <summary>kill -9 of the registry alone: no shutdown at all, as when a machine dies (its Nix builds go on, orphaned).</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        await _process.KillAsync(entireProcessTree: false);
        await ForgetAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ForgetAsync();
        _nix?.Dispose();
    }

    private async Task ForgetAsync()
    {
        if (_process is null) return;
        lock (_log) _log.Append(_process.Output);
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>The executable with this process's environment, Nix's search path and remote store left out.</summary>
    private ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? overrides)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (_nix is not null)
        {
            // unshare and sh exec in turn, so the process id is the registry's own and kill -9 reaches it.
            start.FileName = "unshare";
            foreach (var argument in new[] { "--mount", "--propagation", "private", "sh", "-c", "mount --bind \"$0\" /nix && exec \"$@\"", _nix.Path, "dotnet" })
                start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(_executable);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("NIX_PATH");
        start.Environment.Remove("NIX_REMOTE");
        // Nix kills every process of a build user before it hands that user a build. A private
        // store has its own user pool but shares the machine's uids and process table, so two
        // stores would take the same build user and kill each other's builders (signal 9). In a
        // pod the process table is the pod's own; here, a private store builds without build users.
        if (_nix is not null) start.Environment["NIXERY_BUILD_USERS_GROUP"] = "";
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    /// <summary>The built executable of the same configuration as the tests (Debug or Release).</summary>
    private static string Executable(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(Repository.Root, "src", project, "bin", configuration, "net10.0", $"Nixery.{project}.dll");
        if (!File.Exists(path)) throw new FileNotFoundException($"build src/{project} first", path);
        return path;
    }
}

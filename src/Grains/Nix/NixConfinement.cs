using Nixery.Processes;

namespace Nixery.Nix;

/// <summary>
/// The settings that keep a package set's code in its box, passed to Nix on
/// every call so that no nix.conf can loosen them (issue 8):
/// <list type="bullet">
/// <item>evaluation is restricted (<c>restrict-eval</c>) to the package set's
/// own store path and the registry's expressions, plus whatever the
/// host's <c>nix-path</c> setting names (the demo's busybox, development
/// only); import-from-derivation is off, so evaluation never builds;</item>
/// <item>builds run in Nix's sandbox, without fallback, and as build users,
/// wherever this host supports them (<c>NIXERY_SANDBOX</c>,
/// <c>NIXERY_BUILD_USERS_GROUP</c>: <c>auto</c> checks once at start).</item>
/// </list>
/// </summary>
public sealed class NixConfinement(CommandRunner runner, NixOptions options)
{
    public const string Auto = "auto";

    private readonly Lazy<Task<(bool Sandbox, string Group)>> _host = new(() => DecideAsync(runner, options));

    /// <summary>Options for an evaluation that may read <paramref name="allowedPaths"/> and nothing else outside the store.</summary>
    public static IEnumerable<string> Evaluation(IEnumerable<string> allowedPaths) =>
        ["--option", "restrict-eval", "true", "--option", "allow-import-from-derivation", "false", .. allowedPaths.SelectMany(p => new[] { "-I", p })];

    /// <summary>Options for a build.</summary>
    public async Task<IReadOnlyList<string>> BuildAsync()
    {
        var (sandbox, group) = await _host.Value;
        return
        [
            "--option", "sandbox", sandbox ? "true" : "false",
            "--option", "sandbox-fallback", "false",
            "--option", "build-users-group", group,
            "--option", "allow-import-from-derivation", "false",
        ];
    }

    /// <summary>What this host gets: the sandbox if its namespaces can be created, build users if their group exists.</summary>
    public Task<(bool Sandbox, string Group)> HostAsync() => _host.Value;

    private static async Task<(bool, string)> DecideAsync(CommandRunner runner, NixOptions options)
    {
        var sandbox = options.Sandbox.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => await CanCreateNamespacesAsync(runner),
        };
        var group = options.BuildUsersGroup == Auto
            ? (Environment.UserName == "root" && GroupExists("nixbld") ? "nixbld" : "")
            : options.BuildUsersGroup;
        return (sandbox, group);
    }

    /// <summary>
    /// The namespaces Nix's sandbox creates. Inside an unprivileged container
    /// this fails, and Nix would otherwise silently build without a sandbox
    /// (sandbox-fallback) or fail every build.
    /// </summary>
    private static async Task<bool> CanCreateNamespacesAsync(CommandRunner runner)
    {
        try
        {
            var result = await runner.RunAsync("unshare", ["--mount", "--pid", "--ipc", "--uts", "--net", "--fork", "true"], TimeSpan.FromSeconds(30), CancellationToken.None);
            return result.Succeeded;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool GroupExists(string name) =>
        File.Exists("/etc/group") && File.ReadLines("/etc/group").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));
}

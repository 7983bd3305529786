using System.Text;
using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// A local bare mirror of a package set's git repository, holding its
/// branches and tags only: pull-request and other refs (<c>refs/pull/*</c>)
/// name commits nobody with push rights reviewed, so they are never fetched.
/// Git runs without a terminal, so a repository that wants credentials fails
/// instead of waiting for a password. The URL never reaches git's command
/// line (world-readable in /proc/&lt;pid&gt;/cmdline) or the mirror's config:
/// it is a remote defined in git's environment, which only the registry's
/// user can read, and user information in an http(s) URL travels as an
/// <c>http.extraHeader</c> there too.
/// </summary>
public sealed class GitMirror
{
    private static readonly string[] RefSpecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"];

    private readonly string _directory;
    private readonly CommandRunner _runner;
    private readonly TimeSpan _timeout;
    /// <summary>The remote's name; its URL is defined in git's environment only.</summary>
    private const string Remote = "nixery";
    private readonly Dictionary<string, string?> _environment = new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "true",
        ["LC_ALL"] = "C",
    };

    public GitMirror(string url, string directory, CommandRunner runner, TimeSpan timeout)
    {
        (_directory, _runner, _timeout) = (directory, runner, timeout);
        var (remote, authorization) = SplitCredentials(url);
        _environment["GIT_CONFIG_KEY_0"] = $"remote.{Remote}.url";
        _environment["GIT_CONFIG_VALUE_0"] = remote;
        _environment["GIT_CONFIG_COUNT"] = "1";
        if (authorization is not null)
        {
            _environment["GIT_CONFIG_COUNT"] = "2";
            _environment["GIT_CONFIG_KEY_1"] = "http.extraHeader";
            _environment["GIT_CONFIG_VALUE_1"] = authorization;
        }
        Url = Redaction.Text(url);
    }

    /// <summary>The repository's URL as it may be shown: without credentials or query.</summary>
    public string Url { get; }

    /// <summary>The URL without user information, and the Authorization header that carries it instead.</summary>
    public static (string Url, string? Authorization) SplitCredentials(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length == 0)
            return (url, null);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo)));
        var plain = new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;
        return (plain, $"Authorization: Basic {credentials}");
    }

    /// <summary>Creates the mirror the first time, then fetches branches and tags, pruning deleted ones.</summary>
    public async Task FetchAsync(CancellationToken cancellation)
    {
        if (!Directory.Exists(_directory))
        {
            var staging = $"{_directory}.{Guid.NewGuid():N}";
            try
            {
                await GitAsync(null, ["init", "--bare", "--quiet", staging], cancellation);
                await FetchIntoAsync(staging, cancellation);
                Directory.Move(staging, _directory);
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            return;
        }
        await FetchIntoAsync(_directory, cancellation);
    }

    private async Task FetchIntoAsync(string directory, CancellationToken cancellation)
    {
        await GitAsync(directory, ["fetch", "--prune", "--quiet", "--no-write-fetch-head", "--end-of-options", Remote, .. RefSpecs], cancellation);
        // HEAD of a bare repository made by init is not the remote's; ask the remote which branch it is.
        var head = await GitAsync(directory, ["ls-remote", "--symref", "--end-of-options", Remote, "HEAD"], cancellation);
        var branch = head.Split('\n').Select(l => l.Split('\t')[0])
            .FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal))?["ref: ".Length..];
        if (branch is not null) await GitAsync(directory, ["symbolic-ref", "HEAD", branch], cancellation);
    }

    /// <summary>Branch and tag names with the commits they point at (annotated tags peeled), and HEAD's commit.</summary>
    public async Task<GitRefs> RefsAsync(CancellationToken cancellation)
    {
        var output = await GitAsync(_directory, ["for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads", "refs/tags"], cancellation);
        var branches = new Dictionary<string, string>(StringComparer.Ordinal);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            var commit = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : parts[1];
            if (parts[0].StartsWith("refs/heads/", StringComparison.Ordinal)) branches[parts[0]["refs/heads/".Length..]] = commit;
            else tags[parts[0]["refs/tags/".Length..]] = commit;
        }
        var head = await CommitOfAsync("HEAD", cancellation);
        return new GitRefs(head, branches, tags);
    }

    /// <summary>The commit a full or abbreviated hash (or any rev) names, or null if there is none or it is ambiguous.</summary>
    public async Task<string?> CommitOfAsync(string rev, CancellationToken cancellation)
    {
        var result = await _runner.RunAsync("git", ["-C", _directory, "rev-parse", "--verify", "--quiet", "--end-of-options", $"{rev}^{{commit}}"],
            _timeout, cancellation, _environment);
        return result.Succeeded ? result.Output.Trim() : null;
    }

    /// <summary>The full names of the branches and tags from which <paramref name="commit"/> is reachable.</summary>
    public async Task<IReadOnlyList<string>> RefsContainingAsync(string commit, CancellationToken cancellation)
    {
        var output = await GitAsync(_directory, ["for-each-ref", "--format=%(refname)", "--contains", commit, "refs/heads", "refs/tags"], cancellation);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Writes the tree of <paramref name="commit"/> into <paramref name="target"/>.</summary>
    public async Task ExportAsync(string commit, string target, CancellationToken cancellation)
    {
        Directory.CreateDirectory(target);
        var archive = $"{target}.tar";
        try
        {
            await GitAsync(_directory, ["archive", "--format=tar", "-o", archive, commit], cancellation);
            var result = await _runner.RunAsync("tar", ["-xf", archive, "-C", target], _timeout, cancellation);
            if (!result.Succeeded) throw new IOException($"could not unpack {commit}: {result.ErrorTail.Trim()}");
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private async Task<string> GitAsync(string? workingDirectory, string[] arguments, CancellationToken cancellation)
    {
        string[] command = workingDirectory is null ? arguments : ["-C", workingDirectory, .. arguments];
        CommandResult result;
        try
        {
            result = await _runner.RunAsync("git", command, _timeout, cancellation, _environment);
        }
        catch (CommandTimedOutException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.SourceUnavailable,
                $"git {arguments[0]} of {Url} did not finish within {_timeout.TotalSeconds:0} s (NIXERY_SOURCE_TIMEOUT)"));
        }
        if (!result.Succeeded)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.SourceUnavailable,
                $"git {arguments[0]} of {Url} failed: {Redaction.Text(result.ErrorTail.Trim())}"));
        }
        return result.Output;
    }
}

/// <summary>A snapshot of a repository's refs.</summary>
public sealed record GitRefs(string? Head, IReadOnlyDictionary<string, string> Branches, IReadOnlyDictionary<string, string> Tags);

using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// A local bare mirror of a package set's git repository: fetched on demand,
/// asked for refs and commits, and the source of exported trees. Git runs
/// without a terminal, so a repository that wants credentials fails instead
/// of waiting for a password.
/// </summary>
public sealed class GitMirror(string url, string directory, CommandRunner runner, TimeSpan timeout)
{
    private static readonly Dictionary<string, string?> Environment = new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "true",
        ["LC_ALL"] = "C",
    };

    public string Url => url;

    /// <summary>Clones the mirror the first time, then fetches every ref, pruning deleted ones.</summary>
    public async Task FetchAsync(CancellationToken cancellation)
    {
        if (!Directory.Exists(directory))
        {
            var staging = $"{directory}.{Guid.NewGuid():N}";
            try
            {
                await GitAsync(null, ["clone", "--mirror", "--quiet", url, staging], cancellation);
                Directory.Move(staging, directory);
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
            return;
        }
        await GitAsync(directory, ["fetch", "--prune", "--quiet", "origin"], cancellation);
    }

    /// <summary>Branch and tag names with the commits they point at (annotated tags peeled), and HEAD's commit.</summary>
    public async Task<GitRefs> RefsAsync(CancellationToken cancellation)
    {
        var output = await GitAsync(directory, ["for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads", "refs/tags"], cancellation);
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
        var result = await runner.RunAsync("git", ["-C", directory, "rev-parse", "--verify", "--quiet", "--end-of-options", $"{rev}^{{commit}}"],
            timeout, cancellation, Environment);
        return result.Succeeded ? result.Output.Trim() : null;
    }

    /// <summary>Writes the tree of <paramref name="commit"/> into <paramref name="target"/>.</summary>
    public async Task ExportAsync(string commit, string target, CancellationToken cancellation)
    {
        Directory.CreateDirectory(target);
        var archive = $"{target}.tar";
        try
        {
            await GitAsync(directory, ["archive", "--format=tar", "-o", archive, commit], cancellation);
            var result = await runner.RunAsync("tar", ["-xf", archive, "-C", target], timeout, cancellation);
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
            result = await runner.RunAsync("git", command, timeout, cancellation, Environment);
        }
        catch (CommandTimedOutException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.SourceUnavailable,
                $"git {arguments[0]} of {url} did not finish within {timeout.TotalSeconds:0} s (NIXERY_SOURCE_TIMEOUT)"));
        }
        if (!result.Succeeded)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.SourceUnavailable,
                $"git {arguments[0]} of {url} failed: {result.ErrorTail.Trim()}"));
        }
        return result.Output;
    }
}

/// <summary>A snapshot of a repository's refs.</summary>
public sealed record GitRefs(string? Head, IReadOnlyDictionary<string, string> Branches, IReadOnlyDictionary<string, string> Tags);

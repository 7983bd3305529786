using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Processes;

namespace Nixery.Tests.Support;

/// <summary>A real git repository on disk holding the demo package set, built up commit by commit.</summary>
public sealed class GitRepository : IDisposable
{
    private static readonly CommandRunner Runner = new(NullLogger<CommandRunner>.Instance);
    private readonly TemporaryDirectory _directory = new();

    private GitRepository()
    {
    }

    public string Path => _directory.Path;

    public string Url => $"file://{Path}";

    /// <summary>A repository on branch main with the demo package set and a REVISION file.</summary>
    public static async Task<GitRepository> CreateAsync(string firstRevision = "one")
    {
        var repository = new GitRepository();
        await repository.GitAsync("init", "--quiet", "--initial-branch=main");
        File.Copy(System.IO.Path.Combine(Repository.DemoPackageSet, "default.nix"), System.IO.Path.Combine(repository.Path, "default.nix"));
        await repository.CommitAsync(firstRevision);
        return repository;
    }

    /// <summary>Writes REVISION and commits; returns the commit hash.</summary>
    public async Task<string> CommitAsync(string revision)
    {
        await File.WriteAllTextAsync(System.IO.Path.Combine(Path, "REVISION"), revision + "\n");
        await GitAsync("add", "--all");
        await GitAsync("commit", "--quiet", "-m", revision);
        return (await GitAsync("rev-parse", "HEAD")).Trim();
    }

    public Task<string> GitAsync(params string[] arguments) => RunAsync(["-c", "user.name=Test", "-c", "user.email=test@example.com", .. arguments]);

    private async Task<string> RunAsync(string[] arguments)
    {
        var result = await Runner.RunAsync("git", ["-C", Path, .. arguments], TimeSpan.FromMinutes(1), CancellationToken.None);
        if (!result.Succeeded) throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {result.ErrorTail}");
        return result.Output;
    }

    public void Dispose() => _directory.Dispose();
}

using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Nix;
using Nixery.Processes;
using Nixery.Sources;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sources;

/// <summary>A real repository, real git and real Nix: tags select revisions.</summary>
public class GitPackageSourceTests
{
    private static GitPackageSource Source(GitRepository repository, TemporaryDirectory work, string? defaultTag = null,
        List<string>? allowedRefs = null, int refreshSeconds = 0) =>
        new(Importer(work), new CommandRunner(NullLogger<CommandRunner>.Instance),
            Options.Create(new SourceOptions
            {
                Repository = repository.Url, DefaultTag = defaultTag, RefreshSeconds = refreshSeconds, CachePath = work.Combine("cache"),
                AllowedRefs = allowedRefs,
            }),
            TimeProvider.System);

    public static SourceImporter Importer(TemporaryDirectory work) =>
        new(NixFixtures.Builder(), Options.Create(new NixOptions { GcRootsPath = work.Combine("gcroots") }));

    /// <summary>What the revision imports: the REVISION file of the store path the selector will read.</summary>
    private static string Content(SourceRevision revision)
    {
        using var json = JsonDocument.Parse(revision.NixSource);
        return File.ReadAllText(Path.Combine(json.RootElement.GetProperty("path").GetString()!, "REVISION")).Trim();
    }

    [Fact]
    public async Task Latest_is_the_repository_head()
    {
        using var repository = await GitRepository.CreateAsync();
        var head = await repository.CommitAsync("two");
        using var work = new TemporaryDirectory();
        var revision = await Source(repository, work).ResolveAsync("latest", CancellationToken.None);
        Assert.Equal(("git", head, "two"), (revision.Kind, revision.Id, Content(revision)));
    }

    [Fact]
    public async Task A_default_tag_changes_what_latest_means()
    {
        using var repository = await GitRepository.CreateAsync();
        var first = (await repository.GitAsync("rev-parse", "HEAD")).Trim();
        await repository.GitAsync("tag", "v1");
        await repository.CommitAsync("two");
        using var work = new TemporaryDirectory();
        Assert.Equal(first, (await Source(repository, work, defaultTag: "v1").ResolveAsync("latest", CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Branches_annotated_tags_full_and_short_hashes_select_their_commits()
    {
        using var repository = await GitRepository.CreateAsync("one");
        var one = (await repository.GitAsync("rev-parse", "HEAD")).Trim();
        await repository.GitAsync("tag", "-a", "release-1.0", "-m", "release");
        await repository.GitAsync("checkout", "--quiet", "-b", "feature");
        var feature = await repository.CommitAsync("feature");
        await repository.GitAsync("checkout", "--quiet", "main");
        await repository.CommitAsync("two");
        using var work = new TemporaryDirectory();
        var source = Source(repository, work);

        Assert.Equal("feature", Content(await source.ResolveAsync("feature", CancellationToken.None)));
        var tagged = await source.ResolveAsync("release-1.0", CancellationToken.None);
        Assert.Equal((one, "one"), (tagged.Id, Content(tagged)));
        Assert.Equal(feature, (await source.ResolveAsync(feature, CancellationToken.None)).Id);
        Assert.Equal(feature, (await source.ResolveAsync(feature[..7], CancellationToken.None)).Id);
    }

    [Fact]
    public async Task An_unknown_tag_is_an_unknown_revision_named_in_the_error()
    {
        using var repository = await GitRepository.CreateAsync();
        using var work = new TemporaryDirectory();
        var source = Source(repository, work);
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync("no-such-branch", CancellationToken.None));
        Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
        Assert.Contains("no-such-branch", failure.Error.Message);
        var hash = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync("deadbeef", CancellationToken.None));
        Assert.Equal(BuildErrorKind.UnknownRevision, hash.Error.Kind);
    }

    [Fact]
    public async Task A_moved_branch_gives_the_new_commit()
    {
        using var repository = await GitRepository.CreateAsync("one");
        using var work = new TemporaryDirectory();
        var source = Source(repository, work);
        var before = await source.ResolveAsync("main", CancellationToken.None);
        var moved = await repository.CommitAsync("two");
        var after = await source.ResolveAsync("main", CancellationToken.None);
        Assert.NotEqual(before.Id, after.Id);
        Assert.Equal((moved, "two"), (after.Id, Content(after)));
    }

    [Fact]
    public async Task Tags_lists_branches_git_tags_and_latest()
    {
        using var repository = await GitRepository.CreateAsync();
        await repository.GitAsync("tag", "v1");
        await repository.GitAsync("branch", "stable");
        using var work = new TemporaryDirectory();
        Assert.Equal(["latest", "main", "stable", "v1"], await Source(repository, work).TagsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_repository_is_a_clear_source_error()
    {
        using var work = new TemporaryDirectory();
        var source = new GitPackageSource(Importer(work), new CommandRunner(NullLogger<CommandRunner>.Instance),
            Options.Create(new SourceOptions { Repository = "file:///no/such/repository", RefreshSeconds = 0, CachePath = work.Combine("cache") }),
            TimeProvider.System);
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync("latest", CancellationToken.None));
        Assert.Equal(BuildErrorKind.SourceUnavailable, failure.Error.Kind);
        Assert.Contains("/no/such/repository", failure.Error.Message);
    }

    /// <summary>A commit only a pull request points at, as GitHub keeps them: refs/pull/7/head, no branch.</summary>
    private static async Task<string> PullRequestCommitAsync(GitRepository repository)
    {
        await repository.GitAsync("checkout", "--quiet", "-b", "contribution");
        var commit = await repository.CommitAsync("untrusted");
        await repository.GitAsync("update-ref", "refs/pull/7/head", commit);
        await repository.GitAsync("checkout", "--quiet", "main");
        await repository.GitAsync("branch", "--quiet", "-D", "contribution");
        return commit;
    }

    [Fact]
    public async Task A_commit_reachable_only_from_a_pull_request_ref_is_refused_by_full_and_short_hash()
    {
        using var repository = await GitRepository.CreateAsync();
        var pull = await PullRequestCommitAsync(repository);
        using var work = new TemporaryDirectory();
        var source = Source(repository, work);
        foreach (var tag in new[] { pull, pull[..8] })
        {
            var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync(tag, CancellationToken.None));
            Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
            Assert.Contains($"'{tag}'", failure.Error.Message);
        }
        var mirror = Directory.GetDirectories(work.Combine("cache", "git")).Single();
        var refs = await repository.GitAsync("-C", mirror, "for-each-ref", "--format=%(refname)");
        Assert.DoesNotContain("refs/pull/", refs);
        Assert.Contains("refs/heads/main", refs);
    }

    [Fact]
    public async Task Allowed_refs_narrow_branches_tags_and_the_commits_reachable_from_them()
    {
        using var repository = await GitRepository.CreateAsync("one");
        var one = (await repository.GitAsync("rev-parse", "HEAD")).Trim();
        await repository.GitAsync("tag", "v1");
        await repository.GitAsync("checkout", "--quiet", "-b", "feature");
        var feature = await repository.CommitAsync("feature");
        await repository.GitAsync("checkout", "--quiet", "main");
        var main = await repository.CommitAsync("two");
        using var work = new TemporaryDirectory();
        var source = Source(repository, work, allowedRefs: ["refs/heads/main"]);

        Assert.Equal(main, (await source.ResolveAsync("main", CancellationToken.None)).Id);
        Assert.Equal(main, (await source.ResolveAsync("latest", CancellationToken.None)).Id);
        Assert.Equal(one, (await source.ResolveAsync(one[..7], CancellationToken.None)).Id);
        foreach (var tag in new[] { "feature", "v1", feature, feature[..7] })
        {
            var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync(tag, CancellationToken.None));
            Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
        }
        Assert.Equal(["latest", "main"], await source.TagsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_hashes_do_not_fetch_from_the_remote()
    {
        using var repository = await GitRepository.CreateAsync();
        using var work = new TemporaryDirectory();
        var source = Source(repository, work, refreshSeconds: 3600);
        await source.ResolveAsync("latest", CancellationToken.None);
        // With the remote gone, a fetch would fail as an unreachable source;
        // an unknown revision shows that none was attempted.
        Directory.Move(repository.Path, repository.Path + ".gone");
        try
        {
            foreach (var hash in new[] { "deadbeef", "cafe1234", "0123456789abcdef0123456789abcdef01234567" })
            {
                var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync(hash, CancellationToken.None));
                Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
            }
        }
        finally
        {
            Directory.Move(repository.Path + ".gone", repository.Path);
        }
    }
}

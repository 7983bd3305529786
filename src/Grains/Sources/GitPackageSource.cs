using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// A package set in a git repository, where the image tag selects the
/// revision: "latest" is <c>NIXERY_DEFAULT_TAG</c> or the repository's HEAD,
/// otherwise a git tag, a branch (tags win a clash, as in git), or a full or
/// abbreviated commit hash. Every revision resolves to one commit, so an
/// image is cached per commit: a moved branch gives a new image, a repeated
/// pull of an unchanged one does not run Nix. Nixery could not use git tags
/// or short hashes and cached only 40-character commits. Only revisions on
/// branches and tags that <c>NIXERY_ALLOWED_REFS</c> allows are built: a
/// commit reachable only from a pull request is code nobody trusted.
/// </summary>
public sealed partial class GitPackageSource : IPackageSource
{
    private readonly GitMirror _mirror;
    private readonly SourceImporter _importer;
    private readonly SourceOptions _options;
    private readonly string _exports;
    private readonly ExpiringSingleFlight<GitRefs> _refs;
    private readonly ConcurrentDictionary<string, Lazy<Task<SourceRevision>>> _commits = new();
    private readonly GlobList _allowed;

    public GitPackageSource(SourceImporter importer, CommandRunner runner, IOptions<SourceOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        var url = _options.Repository ?? throw new InvalidOperationException("NIXERY_PKGS_REPO is not set");
        var cache = SourceCache.Directory(_options);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..16];
        _mirror = new GitMirror(url, Path.Combine(cache, "git", name), runner, _options.Timeout);
        _exports = Path.Combine(cache, "exports");
        SourceCache.RemoveStale(_exports, _options.Timeout, clock.GetUtcNow().UtcDateTime);
        // A mirror's staging copy is named <mirror>.<guid> (GitMirror.FetchAsync).
        SourceCache.RemoveStale(Path.Combine(cache, "git"), _options.Timeout, clock.GetUtcNow().UtcDateTime, entry => entry.Contains('.'));
        _importer = importer;
        _refs = new ExpiringSingleFlight<GitRefs>(_options.Refresh, clock);
        _allowed = _options.RefPatterns;
    }

    public async Task<SourceRevision> ResolveAsync(string tag, CancellationToken cancellation)
    {
        var name = tag == PathPackageSource.LatestTag ? _options.DefaultTag ?? "HEAD" : tag;
        var refs = await _refs.GetAsync(FetchAsync, cancellation);
        var commit = Find(refs, name);
        if (commit is null && (name == "HEAD" || IsHash().IsMatch(name)))
        {
            // No fetch of its own: an unknown hash costs a lookup in the
            // mirror, not a round trip to the remote, however many are asked
            // for. A commit pushed since the last fetch is found after the
            // next refresh (NIXERY_SOURCE_REFRESH).
            commit = name == "HEAD" ? refs.Head : await _mirror.CommitOfAsync(name, cancellation);
            if (commit is not null && !await IsTrustedAsync(commit, cancellation))
            {
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                    $"unknown tag '{tag}': commit {commit} of {_mirror.Url} is on no branch or tag allowed by NIXERY_ALLOWED_REFS ({_allowed})"));
            }
        }
        if (commit is null)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                $"unknown tag '{tag}': {_mirror.Url} has no allowed branch, tag or commit '{name}'"));
        }
        return await _commits.GetOrAdd(commit, c => new Lazy<Task<SourceRevision>>(() => ImportAsync(c))).Value.WaitAsync(cancellation);
    }

    public async Task<SourceRevision> RestoreAsync(SourceRevision revision, CancellationToken cancellation)
    {
        await _refs.GetAsync(FetchAsync, cancellation);
        if (await _mirror.CommitOfAsync(revision.Id, cancellation) is null)
        {
            // Resolved on a silo that fetched more recently than this one.
            await _mirror.FetchAsync(cancellation);
            if (await _mirror.CommitOfAsync(revision.Id, cancellation) is null)
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision, $"{_mirror.Url} has no commit '{revision.Id}'"));
        }
        // Held to this silo's policy too: the revision came from a peer.
        if (!await IsTrustedAsync(revision.Id, cancellation))
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                $"commit {revision.Id} of {_mirror.Url} is on no branch or tag allowed by NIXERY_ALLOWED_REFS ({_allowed})"));
        }
        return await ExportAsync(revision.Id);
    }

    /// <summary>A full commit hash names one revision for ever; a branch, a tag or <c>latest</c> may move.</summary>
    public TimeSpan LifetimeOf(string tag) =>
        tag.Length == 40 && IsHash().IsMatch(tag) ? ChannelPackageSource.Forever : _options.Refresh;

    public async Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation)
    {
        var refs = await _refs.GetAsync(FetchAsync, cancellation);
        return refs.Branches.Keys.Where(b => _allowed.Matches(Branch(b)))
            .Concat(refs.Tags.Keys.Where(t => _allowed.Matches(Tag(t))))
            .Append(PathPackageSource.LatestTag)
            .Where(Naming.DistributionGrammar.IsValidTag)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>A tag or branch of that name whose ref is allowed (tags win a clash, as in git).</summary>
    private string? Find(GitRefs refs, string name) =>
        refs.Tags.TryGetValue(name, out var tagged) && _allowed.Matches(Tag(name)) ? tagged
        : refs.Branches.TryGetValue(name, out var branch) && _allowed.Matches(Branch(name)) ? branch
        : null;

    /// <summary>Reachable from an allowed branch or tag: history someone with push rights put there.</summary>
    private async Task<bool> IsTrustedAsync(string commit, CancellationToken cancellation) =>
        (await _mirror.RefsContainingAsync(commit, cancellation)).Any(_allowed.Matches);

    private static string Branch(string name) => $"refs/heads/{name}";

    private static string Tag(string name) => $"refs/tags/{name}";

    private async Task<GitRefs> FetchAsync(CancellationToken cancellation)
    {
        await _mirror.FetchAsync(cancellation);
        return await _mirror.RefsAsync(cancellation);
    }

    private async Task<SourceRevision> ImportAsync(string commit)
    {
        try
        {
            return await ExportAsync(commit);
        }
        catch
        {
            // Not cached: the next request tries again.
            _commits.TryRemove(commit, out _);
            throw;
        }
    }

    private async Task<SourceRevision> ExportAsync(string commit)
    {
        var target = Path.Combine(_exports, $"{commit}-{Guid.NewGuid():N}");
        try
        {
            await _mirror.ExportAsync(commit, target, CancellationToken.None);
            return await _importer.ImportAsync("git", commit, target, CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        }
    }

    [GeneratedRegex("^[0-9a-f]{4,40}$")]
    private static partial Regex IsHash();
}

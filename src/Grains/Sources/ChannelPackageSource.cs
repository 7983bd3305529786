using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// nixpkgs as a tarball per channel or commit, from <c>NIXERY_CHANNEL_URL</c>
/// (GitHub's archive URL by default, as Nixery): "latest" is
/// <c>NIXERY_CHANNEL</c>, any other tag names a channel or commit of its own
/// (Nixery ignored the tag). The unpacked tree's content hash pins the
/// revision; a commit's tarball never changes, so it is fetched once, while
/// a channel is checked again after the refresh interval (cheaply, with its
/// ETag). Only channels named by <c>NIXERY_ALLOWED_CHANNELS</c> are fetched,
/// and commits only with <c>NIXERY_ALLOW_COMMITS</c>: GitHub's archive URL
/// serves any commit of any fork or pull request.
/// </summary>
public sealed partial class ChannelPackageSource : IPackageSource
{
    private readonly SourceOptions _options;
    private readonly SourceImporter _importer;
    private readonly TarballFetcher _fetcher;
    private readonly TimeProvider _clock;
    private readonly string _downloads;
    private readonly GlobList _allowed;
    private readonly SemaphoreSlim _fetches;
    private readonly ConcurrentDictionary<string, Channel> _channels = new(StringComparer.Ordinal);

    public ChannelPackageSource(SourceImporter importer, CommandRunner runner, HttpClient http, IOptions<SourceOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.Channel)) throw new InvalidOperationException("NIXERY_CHANNEL is not set");
        _importer = importer;
        _clock = clock;
        _fetcher = new TarballFetcher(http, runner, _options.Timeout, _options.MaxSizeMegabytes * 1024 * 1024);
        _fetches = new SemaphoreSlim(_options.MaxConcurrentFetches, _options.MaxConcurrentFetches);
        _downloads = Path.Combine(SourceCache.Directory(_options), "tarballs");
        SourceCache.RemoveStale(_downloads, _options.Timeout, clock.GetUtcNow().UtcDateTime);
        _allowed = _options.ChannelPatterns;
    }

    public Task<SourceRevision> ResolveAsync(string tag, CancellationToken cancellation)
    {
        var name = tag == PathPackageSource.LatestTag ? _options.Channel! : tag;
        if (tag != PathPackageSource.LatestTag && Refusal(tag) is { } refusal)
            return Task.FromException<SourceRevision>(new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision, refusal)));
        // A commit's tarball never changes; a channel's does.
        var lifetime = IsCommit().IsMatch(name) ? Forever : _options.Refresh;
        var channel = _channels.GetOrAdd(name, n => new Channel(n, new ExpiringSingleFlight<SourceRevision>(lifetime, _clock)));
        return channel.Revision.GetAsync(token => FetchAsync(channel, token), cancellation);
    }

    /// <summary>
    /// Fetched afresh, without this silo's ETag: the store lacks the tree a
    /// cached revision names. A channel that moved since another silo
    /// resolved it gives a different tree, which the caller refuses.
    /// </summary>
    public async Task<SourceRevision> RestoreAsync(SourceRevision revision, CancellationToken cancellation)
    {
        var name = revision.Origin ?? throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision, "the revision does not name its channel"));
        if (Refusal(name) is { } refusal) throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision, refusal));
        var channel = new Channel(name, new ExpiringSingleFlight<SourceRevision>(TimeSpan.Zero, _clock));
        return await FetchAsync(channel, cancellation);
    }

    public TimeSpan LifetimeOf(string tag) =>
        IsCommit().IsMatch(tag == PathPackageSource.LatestTag ? _options.Channel! : tag) ? Forever : _options.Refresh;

    /// <summary>Why a tag may not select a tarball, or null if it may.</summary>
    private string? Refusal(string tag) =>
        tag == _options.Channel ? null
        : IsCommit().IsMatch(tag)
            ? _options.AllowCommits ? null : $"unknown tag '{tag}': commits are not served (NIXERY_ALLOW_COMMITS is off)"
            : _allowed.Matches(tag) ? null : $"unknown tag '{tag}': not a channel allowed by NIXERY_ALLOWED_CHANNELS ({_allowed})";

    public Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<string>>([PathPackageSource.LatestTag]);

    private async Task<SourceRevision> FetchAsync(Channel channel, CancellationToken cancellation)
    {
        var url = new Uri(new Uri(_options.ChannelUrl.EndsWith('/') ? _options.ChannelUrl : _options.ChannelUrl + "/"), $"{Uri.EscapeDataString(channel.Name)}.tar.gz");
        TarballFetcher.Outcome outcome;
        await _fetches.WaitAsync(cancellation);
        try
        {
            outcome = await _fetcher.FetchAsync(url, channel.Current is null ? null : channel.ETag, _downloads, cancellation);
        }
        finally
        {
            _fetches.Release();
        }
        switch (outcome)
        {
            case TarballFetcher.Outcome.Unchanged when channel.Current is { } current:
                return current;
            case TarballFetcher.Outcome.NotFound notFound:
                // Not remembered: every distinct name a client invents would otherwise stay in memory.
                _channels.TryRemove(new KeyValuePair<string, Channel>(channel.Name, channel));
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                    $"unknown tag '{channel.Name}': {Redaction.Url(url)} answered {(int)notFound.Status}"));
            case TarballFetcher.Outcome.Unpacked unpacked:
                try
                {
                    var revision = await _importer.ImportAsync("channel", null, TopDirectory(unpacked.Directory), cancellation, origin: channel.Name);
                    (channel.Current, channel.ETag) = (revision, unpacked.ETag);
                    return revision;
                }
                finally
                {
                    Directory.Delete(unpacked.Directory, recursive: true);
                }
            default:
                // 304 without a revision of ours: fetch without the ETag.
                channel.ETag = null;
                channel.Current = null;
                return await FetchAsync(channel, cancellation);
        }
    }

    /// <summary>GitHub archives hold one directory (nixpkgs-&lt;rev&gt;/); other tarballs may not.</summary>
    private static string TopDirectory(string unpacked)
    {
        var entries = Directory.GetFileSystemEntries(unpacked);
        return entries.Length == 1 && Directory.Exists(entries[0]) ? entries[0] : unpacked;
    }

    internal static readonly TimeSpan Forever = TimeSpan.FromDays(365 * 100);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex IsCommit();

    private sealed class Channel(string name, ExpiringSingleFlight<SourceRevision> revision)
    {
        public string Name { get; } = name;
        public ExpiringSingleFlight<SourceRevision> Revision { get; } = revision;
        public SourceRevision? Current { get; set; }
        public string? ETag { get; set; }
    }
}

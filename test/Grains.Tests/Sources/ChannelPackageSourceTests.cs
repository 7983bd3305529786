using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Processes;
using Nixery.Sources;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sources;

/// <summary>Tarballs from a local HTTP server standing in for GitHub's archive, real Nix.</summary>
public class ChannelPackageSourceTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static ChannelPackageSource Source(TarballServer server, TemporaryDirectory work, string channel = "nixos-unstable", string? url = null,
        bool allowCommits = true, List<string>? allowedChannels = null, long maxSizeMegabytes = 2048) =>
        new(GitPackageSourceTests.Importer(work), new CommandRunner(NullLogger<CommandRunner>.Instance), new HttpClient(),
            Options.Create(new SourceOptions
            {
                Channel = channel, ChannelUrl = url ?? server.BaseUrl, RefreshSeconds = 0, CachePath = work.Combine("cache"), TimeoutSeconds = 30,
                AllowCommits = allowCommits, AllowedChannels = allowedChannels, MaxSizeMegabytes = maxSizeMegabytes,
            }),
            TimeProvider.System);

    private static string Content(SourceRevision revision)
    {
        using var json = JsonDocument.Parse(revision.NixSource);
        return File.ReadAllText(Path.Combine(json.RootElement.GetProperty("path").GetString()!, "REVISION")).Trim();
    }

    [Fact]
    public async Task Latest_is_the_configured_channel_and_other_tags_name_their_own()
    {
        using var server = new TarballServer();
        await server.PublishAsync("nixos-unstable", "unstable");
        await server.PublishAsync("nixos-24.05", "stable");
        using var work = new TemporaryDirectory();
        var source = Source(server, work);
        Assert.Equal("unstable", Content(await source.ResolveAsync("latest", CancellationToken.None)));
        Assert.Equal("stable", Content(await source.ResolveAsync("nixos-24.05", CancellationToken.None)));
    }

    [Fact]
    public async Task The_revision_is_the_content_hash_so_a_changed_channel_is_a_new_revision()
    {
        using var server = new TarballServer();
        await server.PublishAsync("nixos-unstable", "first");
        using var work = new TemporaryDirectory();
        var source = Source(server, work);
        var first = await source.ResolveAsync("latest", CancellationToken.None);
        Assert.Equal(first.Id, (await source.ResolveAsync("latest", CancellationToken.None)).Id);
        Assert.True(server.NotModified >= 1, "an unchanged channel is checked with its ETag");

        await server.PublishAsync("nixos-unstable", "second");
        var second = await source.ResolveAsync("latest", CancellationToken.None);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal("second", Content(second));
    }

    [Fact]
    public async Task A_commit_is_fetched_once()
    {
        using var server = new TarballServer();
        await server.PublishAsync(Commit, "pinned");
        using var work = new TemporaryDirectory();
        var source = Source(server, work);
        var first = await source.ResolveAsync(Commit, CancellationToken.None);
        var again = await source.ResolveAsync(Commit, CancellationToken.None);
        Assert.Equal(first, again);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_missing_tarball_is_an_unknown_revision()
    {
        using var server = new TarballServer();
        using var work = new TemporaryDirectory();
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => Source(server, work).ResolveAsync("nixos-99.99", CancellationToken.None));
        Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
        Assert.Contains("nixos-99.99", failure.Error.Message);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_clear_source_error()
    {
        using var server = new TarballServer();
        using var work = new TemporaryDirectory();
        var source = Source(server, work, url: "http://127.0.0.1:9/archive/");
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => source.ResolveAsync("latest", CancellationToken.None));
        Assert.Equal(BuildErrorKind.SourceUnavailable, failure.Error.Kind);
        Assert.Contains("127.0.0.1:9", failure.Error.Message);
    }

    [Fact]
    public async Task Commits_are_refused_unless_allowed_without_asking_the_server()
    {
        using var server = new TarballServer();
        await server.PublishAsync(Commit, "from a fork");
        using var work = new TemporaryDirectory();
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            Source(server, work, allowCommits: false).ResolveAsync(Commit, CancellationToken.None));
        Assert.Equal(BuildErrorKind.UnknownRevision, failure.Error.Kind);
        Assert.Contains(Commit, failure.Error.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task Only_allowed_channels_are_fetched_but_latest_always_is()
    {
        using var server = new TarballServer();
        await server.PublishAsync("custom-channel", "custom");
        await server.PublishAsync("nixos-24.05", "stable");
        await server.PublishAsync("nixpkgs-unstable", "unstable");
        using var work = new TemporaryDirectory();
        var defaults = Source(server, work, channel: "custom-channel");
        Assert.Equal("custom", Content(await defaults.ResolveAsync("latest", CancellationToken.None)));
        Assert.Equal("stable", Content(await defaults.ResolveAsync("nixos-24.05", CancellationToken.None)));
        var requests = server.Requests;
        Assert.Equal("custom", Content(await defaults.ResolveAsync("custom-channel", CancellationToken.None)));
        requests = server.Requests;
        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => defaults.ResolveAsync("other-channel", CancellationToken.None));
        Assert.Equal(BuildErrorKind.UnknownRevision, refused.Error.Kind);
        Assert.Contains("'other-channel'", refused.Error.Message);
        Assert.Equal(requests, server.Requests);

        var narrowed = Source(server, work, allowedChannels: ["nixos-24.*"]);
        Assert.Equal("stable", Content(await narrowed.ResolveAsync("nixos-24.05", CancellationToken.None)));
        await Assert.ThrowsAsync<BuildFailedException>(() => narrowed.ResolveAsync("nixpkgs-unstable", CancellationToken.None));
    }

    [Fact]
    public async Task A_tarball_that_unpacks_beyond_the_size_limit_is_refused_before_it_reaches_the_disk()
    {
        // 64 MiB of zeros compress to about 64 KiB: a small download, a large tree.
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++) gzip.Write(zeros);
        }
        using var server = new TarballServer();
        server.Publish("nixos-bomb", compressed.ToArray());
        using var work = new TemporaryDirectory();

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            Source(server, work, maxSizeMegabytes: 1).ResolveAsync("nixos-bomb", CancellationToken.None));
        Assert.Equal(BuildErrorKind.TooLarge, failure.Error.Kind);
        Assert.Contains("NIXERY_SOURCE_MAX_SIZE", failure.Error.Message);
        var left = Directory.EnumerateFiles(work.Combine("cache"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(left < 2 * 1024 * 1024, $"{left} bytes left in the source cache");
    }
}

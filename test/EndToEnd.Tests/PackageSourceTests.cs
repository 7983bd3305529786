using System.Net;
using System.Text.Json;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// Pulls through the real registry select the revision the tag names, for
/// every kind of package source, and a pinned revision is served again
/// without running Nix.
/// </summary>
public class PackageSourceTests
{
    [Fact]
    public async Task Git_tags_select_branches_tags_and_commits_and_pinned_revisions_skip_nix()
    {
        using var repository = await GitRepository.CreateAsync("one");
        var one = (await repository.GitAsync("rev-parse", "HEAD")).Trim();
        await repository.GitAsync("tag", "-a", "v1", "-m", "first release");
        await repository.GitAsync("checkout", "--quiet", "-b", "feature");
        var feature = await repository.CommitAsync("feature");
        await repository.GitAsync("checkout", "--quiet", "-b", "contribution");
        var pull = await repository.CommitAsync("untrusted");
        await repository.GitAsync("update-ref", "refs/pull/7/head", pull);
        await repository.GitAsync("checkout", "--quiet", "main");
        await repository.GitAsync("branch", "--quiet", "-D", "contribution");
        var main = await repository.CommitAsync("two");

        await using var registry = await SourceRegistry.StartAsync(new() { ["NIXERY_PKGS_REPO"] = repository.Url });
        using var http = registry.Http();
        Assert.Equal($"git:{main}", await RevisionAsync(http, "latest"));
        Assert.Equal($"git:{main}", await RevisionAsync(http, "main"));
        Assert.Equal($"git:{feature}", await RevisionAsync(http, "feature"));
        Assert.Equal($"git:{one}", await RevisionAsync(http, "v1"));
        Assert.Equal($"git:{one}", await RevisionAsync(http, one));
        Assert.Equal($"git:{feature}", await RevisionAsync(http, feature[..8]));

        // A commit only a pull request points at is nobody's trusted code.
        foreach (var refused in new[] { "no-such-ref", pull, pull[..8] })
        {
            using var unknown = await http.GetAsync($"/v2/hello/manifests/{refused}");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            var (code, message) = await unknown.ErrorAsync();
            Assert.Equal("MANIFEST_UNKNOWN", code);
            Assert.Contains(refused, message);
        }

        registry.Nix.Reset();
        Assert.Equal($"git:{one}", await RevisionAsync(http, "v1"));
        Assert.Equal($"git:{main}", await RevisionAsync(http, "latest"));
        Assert.Equal(0, registry.Nix.Builds);

        // A moved branch gives the new commit's image.
        var moved = await repository.CommitAsync("three");
        Assert.Equal($"git:{moved}", await RevisionAsync(http, "main"));

        using var tags = JsonDocument.Parse(await http.GetStringAsync("/v2/hello/tags/list"));
        Assert.Equal(["feature", "latest", "main", "v1"], tags.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task A_git_default_tag_is_what_latest_means()
    {
        using var repository = await GitRepository.CreateAsync("one");
        var one = (await repository.GitAsync("rev-parse", "HEAD")).Trim();
        await repository.GitAsync("tag", "stable");
        await repository.CommitAsync("two");
        await using var registry = await SourceRegistry.StartAsync(new() { ["NIXERY_PKGS_REPO"] = repository.Url, ["NIXERY_DEFAULT_TAG"] = "stable" });
        using var http = registry.Http();
        Assert.Equal($"git:{one}", await RevisionAsync(http, "latest"));
    }

    [Fact]
    public async Task Channel_tags_select_tarballs_and_pinned_revisions_skip_nix()
    {
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        using var server = new TarballServer();
        await server.PublishAsync("nixos-unstable", "unstable");
        await server.PublishAsync(commit, "pinned");
        await using var registry = await SourceRegistry.StartAsync(new()
        {
            ["NIXERY_CHANNEL"] = "nixos-unstable", ["NIXERY_CHANNEL_URL"] = server.BaseUrl, ["NIXERY_ALLOW_COMMITS"] = "true",
        });
        using var http = registry.Http();

        var latest = await RevisionAsync(http, "latest");
        var pinned = await RevisionAsync(http, commit);
        Assert.StartsWith("channel:", latest);
        Assert.StartsWith("channel:", pinned);
        Assert.NotEqual(latest, pinned);

        using (var unknown = await http.GetAsync("/v2/hello/manifests/nixos-99.99"))
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        registry.Nix.Reset();
        var requests = server.Requests;
        Assert.Equal(pinned, await RevisionAsync(http, commit));
        Assert.Equal(0, registry.Nix.Builds);
        Assert.Equal(requests, server.Requests);
    }

    [Fact]
    public async Task A_path_serves_latest_and_a_changed_path_gives_a_new_revision()
    {
        using var packages = new SaltedPackageSet();
        await using var registry = await SourceRegistry.StartAsync(new() { ["NIXERY_PKGS_PATH"] = packages.Path });
        using var http = registry.Http();
        var first = await RevisionAsync(http, "latest");
        using (var other = await http.GetAsync("/v2/hello/manifests/v1"))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        registry.Nix.Reset();
        Assert.Equal(first, await RevisionAsync(http, "latest"));
        Assert.Equal(0, registry.Nix.Builds);

        packages.Resalt();
        Assert.NotEqual(first, await RevisionAsync(http, "latest"));
    }

    /// <summary>
    /// Start-up prepares the package source before the registry says it is ready (issue 9, the
    /// cold path): the path is imported into the store and its catalogue evaluated then, so a
    /// first pull asks Nix for its image only. Counted by the Nix wrapper: the source's store
    /// path appears in the selection alone, not in an import, a validity check or a catalogue.
    /// </summary>
    [Fact]
    public async Task A_first_pull_after_start_up_asks_nix_nothing_about_the_source()
    {
        using var packages = new SaltedPackageSet();
        // Refreshed only after an hour: a slow machine must not see a refresh in the background.
        await using var registry = await SourceRegistry.StartAsync(new() { ["NIXERY_PKGS_PATH"] = packages.Path, ["NIXERY_SOURCE_REFRESH"] = "3600" });
        var startUp = registry.Nix.Lines;
        var rooting = Assert.Single(startUp, l => l.StartsWith("nix-store --realise ", StringComparison.Ordinal) && l.Contains("/sources/path", StringComparison.Ordinal));
        var source = rooting.Split(' ')[2];
        Assert.Contains(startUp, l => l.Contains("list-catalogue", StringComparison.Ordinal) && l.Contains(source, StringComparison.Ordinal));

        registry.Nix.Reset();
        using var http = registry.Http();
        await http.PullDigestsAsync("hello", "latest");

        var pull = registry.Nix.Lines;
        Assert.Equal(1, registry.Nix.Selections);
        Assert.Equal(1, registry.Nix.Builds);
        var touching = Assert.Single(pull, l => l.Contains(source, StringComparison.Ordinal));
        Assert.Contains("select-packages", touching);
        Assert.DoesNotContain(pull, l => l.Contains("builtins.path", StringComparison.Ordinal) || l.Contains("list-catalogue", StringComparison.Ordinal));
    }

    /// <summary>A registry on a source of the test's, with its own storage and Nix builds counted.</summary>
    private sealed class SourceRegistry : IAsyncDisposable
    {
        private readonly TemporaryDirectory _storage = new();

        public NixInvocations Nix { get; } = new();

        public RegistryProcess Process { get; private set; } = null!;

        public HttpClient Http() => Process.Http();

        public static async Task<SourceRegistry> StartAsync(Dictionary<string, string> environment)
        {
            var registry = new SourceRegistry();
            environment.TryAdd("NIXERY_SOURCE_REFRESH", "0");
            environment["PATH"] = registry.Nix.SearchPath;
            if (!environment.ContainsKey("NIXERY_PKGS_PATH")) environment["NIXERY_PKGS_PATH"] = "";
            registry.Process = new RegistryProcess(registry._storage.Path, environment);
            await registry.Process.StartAsync();
            return registry;
        }

        public async ValueTask DisposeAsync()
        {
            await Process.DisposeAsync();
            Nix.Dispose();
            _storage.Dispose();
        }
    }

    /// <summary>The package-set revision recorded in the image the tag gives.</summary>
    private static async Task<string> RevisionAsync(HttpClient http, string tag)
    {
        var (manifest, _, _) = await http.ManifestAsync("hello", tag);
        using var config = JsonDocument.Parse(await http.GetByteArrayAsync($"/v2/hello/blobs/{RegistryClient.ConfigDigest(manifest)}"));
        return config.RootElement.GetProperty("config").GetProperty("Labels").GetProperty("dev.nixery.revision").GetString()!;
    }
}

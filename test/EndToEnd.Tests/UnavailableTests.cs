using System.Net;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// Every documented 503, provoked for real: a package source that stalls or
/// is gone, a build over its time limit, a storage service that stops, a
/// frontend without silos. Each answer comes within a bound, reads as README
/// says (<c>503 UNAVAILABLE</c>, <c>Retry-After</c>, the reason, no
/// credentials), and once the fault is gone the same image is served again,
/// intact.
/// </summary>
public class UnavailableTests
{
    /// <summary>Far above every time limit the tests set (a few seconds), far below a hang.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    private const string Secret = "s3cret-in-the-url";

    [Fact]
    public async Task A_stalled_or_unreachable_channel_is_a_503_within_the_source_timeout_and_the_next_fetch_serves_the_same_image()
    {
        using var server = new TarballServer();
        await server.PublishAsync("nixos-unstable", "unstable");
        await server.PublishAsync("nixos-stalled", "stalled");
        // Start-up prepares the channel before it reports ready (issue 9); a channel that
        // stalls then fails that preparation within the source timeout, and the registry is
        // ready all the same.
        server.Stall("nixos-unstable");
        using var storage = new TemporaryDirectory();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = "",
            ["NIXERY_CHANNEL"] = "nixos-unstable",
            ["NIXERY_CHANNEL_URL"] = server.BaseUrl.Replace("http://", $"http://nixery:{Secret}@"),
            ["NIXERY_SOURCE_TIMEOUT"] = "2",
            ["NIXERY_SOURCE_REFRESH"] = "0",
        });
        await registry.StartAsync(Bound);
        server.Release("nixos-unstable");
        using var http = registry.Http();
        http.Timeout = Bound;
        var image = await http.PullDigestsAsync("hello", "latest");

        server.Stall("nixos-stalled");
        using (var stalled = await http.GetAsync("/v2/hello/manifests/nixos-stalled"))
            await AssertUnavailableAsync(stalled, "no answer within 2 s (NIXERY_SOURCE_TIMEOUT)");
        server.Release("nixos-stalled");
        await http.ManifestAsync("hello", "nixos-stalled");

        server.Stop();
        using (var unreachable = await http.GetAsync("/v2/hello/manifests/latest"))
            await AssertUnavailableAsync(unreachable, "cannot fetch the package set http://***@127.0.0.1:");
        server.Start();
        Assert.Equal(image, await http.PullDigestsAsync("hello", "latest"));
    }

    [Fact]
    public async Task Storage_that_stops_mid_build_is_a_503_for_the_build_and_for_blobs_and_nothing_stored_is_lost()
    {
        using var work = new TemporaryDirectory();
        await using var azurite = await Azurite.StartOwnAsync(work.Combine("azurite"));
        using var packages = new SaltedPackageSet();
        using var nix = new NixInvocations();
        await using var registry = new RegistryProcess(work.Combine("storage"), new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = packages.Path,
            ["NIXERY_STORAGE_BACKEND"] = "azure",
            ["NIXERY_AZURE_CONNECTION_STRING"] = azurite.ConnectionString,
            ["NIXERY_FAILURE_BACKOFF"] = "1",
            ["PATH"] = nix.SearchPath,
        });
        await registry.StartAsync();
        using var http = registry.Http();
        http.Timeout = Bound;
        var hello = await http.PullDigestsAsync("hello", "latest");

        // The slow package's builder sleeps for ten seconds: storage goes away while Nix builds.
        var slow = http.GetAsync("/v2/slow/manifests/latest");
        await Poll.UntilAsync(() => nix.BuildsOf("slow") > 0, "Nix did not build the slow package", Bound);
        await azurite.StopAsync();
        using (var build = await Answer(slow, registry))
            await AssertUnavailableAsync(build, "azure storage could not", Azurite.AccountKey);
        using (var blob = await Answer(http.GetAsync($"/v2/hello/blobs/{hello[1]}"), registry))
            await AssertUnavailableAsync(blob, "azure storage could not", Azurite.AccountKey);
        // An image never asked for: its grain cannot read its state.
        using (var cold = await Answer(http.GetAsync("/v2/jq/manifests/latest"), registry))
            await AssertUnavailableAsync(cold, "azure storage could not", Azurite.AccountKey);

        await azurite.RestartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await http.PullDigestsAsync("slow", "latest");
        await http.ManifestAsync("jq", "latest");
        Assert.Equal(hello, await http.PullDigestsAsync("hello", "latest"));
    }

    [Fact]
    public async Task A_build_over_its_time_limit_is_a_503_and_a_registry_with_time_enough_then_builds_it()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        var environment = new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = packages.Path };
        await using (var hurried = new RegistryProcess(storage.Path, new Dictionary<string, string>(environment) { ["NIXERY_BUILD_TIMEOUT"] = "2" }))
        {
            await hurried.StartAsync();
            using var http = hurried.Http();
            http.Timeout = Bound;
            // The slow package's builder alone sleeps for ten seconds.
            using var timedOut = await Answer(http.GetAsync("/v2/slow/manifests/latest"), hurried);
            await AssertUnavailableAsync(timedOut, "2 s");
        }

        await using var patient = new RegistryProcess(storage.Path, environment);
        await patient.StartAsync();
        using var retry = patient.Http();
        await retry.PullDigestsAsync("slow", "latest");
    }

    [Fact]
    public async Task A_frontend_whose_cluster_was_never_up_answers_503_at_once_and_serves_once_a_silo_starts()
    {
        using var storage = new TemporaryDirectory();
        await using var silo = new RegistryProcess(storage.Path);
        await using var frontend = new RegistryProcess(storage.Path, silo.GatewayEnvironment, project: "Frontend");
        await frontend.StartAsync(Bound, "/healthz");
        using var http = frontend.Http();
        http.Timeout = Bound;
        using (var unavailable = await Answer(http.GetAsync("/v2/hello/manifests/latest"), frontend))
            await AssertUnavailableAsync(unavailable, "no build silo is reachable");

        await silo.StartAsync();
        using var direct = silo.Http();
        var image = await direct.PullDigestsAsync("hello", "latest");
        await Poll.UntilAsync(async () =>
        {
            using var response = await http.GetAsync("/v2/hello/manifests/latest");
            return response.IsSuccessStatusCode;
        }, $"the frontend did not serve once the silo was up:\n{frontend.Log}", Bound);
        Assert.Equal(image, await http.PullDigestsAsync("hello", "latest"));
    }

    /// <summary>The answer to a request, or a failure with the registry's output when none came within <see cref="Bound"/>.</summary>
    private static async Task<HttpResponseMessage> Answer(Task<HttpResponseMessage> request, RegistryProcess registry)
    {
        try
        {
            return await request;
        }
        catch (TaskCanceledException e)
        {
            throw new TimeoutException($"no answer within {Bound.TotalSeconds:0} s:\n{registry.Log}", e);
        }
    }

    /// <summary>What README promises of every 503: the code, Retry-After, the reason, and nothing secret (nor a stack trace).</summary>
    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string reason, string secret = Secret)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        var (code, message) = await response.ErrorAsync();
        Assert.Equal("UNAVAILABLE", code);
        Assert.Equal(RetryAfter, response.Header("Retry-After"));
        Assert.Contains(reason, message);
        Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(" at Nixery.", body);
    }

    private const string RetryAfter = "30";
}

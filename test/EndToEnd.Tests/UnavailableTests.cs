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
        using var storage = new TemporaryDirectory();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = "",
            ["NIXERY_CHANNEL"] = "nixos-unstable",
            ["NIXERY_CHANNEL_URL"] = server.BaseUrl.Replace("http://", $"http://nixery:{Secret}@"),
            ["NIXERY_SOURCE_TIMEOUT"] = "2",
            ["NIXERY_SOURCE_REFRESH"] = "0",
        });
        await registry.StartAsync();
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

    /// <summary>What README promises of every 503: the code, Retry-After, the reason, and nothing secret.</summary>
    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string reason, string secret = Secret)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        var (code, message) = await response.ErrorAsync();
        Assert.Equal("UNAVAILABLE", code);
        Assert.Equal(RetryAfter, response.Header("Retry-After"));
        Assert.Contains(reason, message);
        Assert.DoesNotContain(secret, body);
    }

    private const string RetryAfter = "30";
}

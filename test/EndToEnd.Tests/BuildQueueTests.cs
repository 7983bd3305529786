using System.Net;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// NIXERY_MAX_CONCURRENT_BUILDS and NIXERY_MAX_QUEUED_BUILDS through the real
/// process: one slot and one place in the queue; a build beyond both is
/// refused with 429 and Retry-After without running Nix, and nothing is
/// remembered against its image.
/// </summary>
public class BuildQueueTests
{
    [Fact]
    public async Task A_build_beyond_the_slots_waits_in_the_queue_and_one_beyond_the_queue_gets_429_and_later_builds()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        using var nix = new NixInvocations();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = packages.Path,
            ["NIXERY_MAX_CONCURRENT_BUILDS"] = "1",
            ["NIXERY_MAX_QUEUED_BUILDS"] = "1",
            ["PATH"] = nix.SearchPath,
        });
        await registry.StartAsync();
        using var http = registry.Http();

        // The slow package's builder sleeps ten seconds in the one slot; hello waits in the one place in the queue.
        var slow = http.GetAsync("/v2/slow/manifests/latest");
        await Poll.UntilAsync(() => nix.BuildsOf("slow") > 0, $"Nix did not build the slow package:\n{registry.Log}", TimeSpan.FromMinutes(2));
        var hello = http.GetAsync("/v2/hello/manifests/latest");
        await Poll.UntilAsync(async () => await MetricsScrape.SumAsync(http, "nixery_nix_builds_queued") >= 1,
            $"hello did not queue:\n{registry.Log}", TimeSpan.FromMinutes(2));

        using (var refused = await http.GetAsync("/v2/jq/manifests/latest"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var (code, message) = await refused.ErrorAsync();
            Assert.Equal("TOOMANYREQUESTS", code);
            Assert.Contains("NIXERY_MAX_QUEUED_BUILDS", message);
            Assert.Equal("30", refused.Header("Retry-After"));
        }
        Assert.Equal(0, nix.BuildsOf("jq"));

        using (var first = await slow) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var queued = await hello) Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        await http.ManifestAsync("jq", "latest");
        Assert.Equal(1, nix.BuildsOf("jq"));
    }
}

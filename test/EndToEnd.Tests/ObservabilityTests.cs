using System.Net;
using System.Text.Json;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>What an operator sees of the real process: metrics, probes and structured logs.</summary>
public class ObservabilityTests
{
    [Fact]
    public async Task Metrics_probes_and_json_logs_describe_a_pull()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_LOG_FORMAT"] = "json",
            ["NIXERY_PKGS_PATH"] = packages.Path,
        });
        await registry.StartAsync();
        using var http = registry.Http();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);

        var (manifest, _, _) = await http.ManifestAsync("hello", "latest");
        await http.ManifestAsync("hello", "latest");
        var layer = RegistryClient.LayerDigests(manifest).First();
        var bytes = (await http.GetByteArrayAsync($"/v2/hello/blobs/{layer}")).Length;
        using (var missing = await http.GetAsync("/v2/hello/manifests/no-such-tag"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        Assert.Equal(1, await MetricsScrape.SumAsync(http, "nixery_nix_builds_started_total"));
        Assert.Equal(1, await MetricsScrape.SumAsync(http, "nixery_nix_builds_succeeded_total"));
        Assert.Equal(1, await MetricsScrape.SumAsync(http, "nixery_manifest_cache_total", "result=\"miss\""));
        // Hits are not counted exactly: the second pull is answered by the image grain (a hit) or,
        // once the frontend's cache has confirmed its epoch, from that cache (no grain call), and a
        // build longer than the frontend's 5 s poll is asked about again, which counts as a hit.
        Assert.InRange(await MetricsScrape.SumAsync(http, "nixery_manifest_cache_total", "result=\"hit\""), 0, 2);
        Assert.True(await MetricsScrape.SumAsync(http, "nixery_layer_cache_total", "result=\"miss\"") >= 1);
        Assert.Equal(2, await MetricsScrape.SumAsync(http, "nixery_registry_requests_total", "route=\"manifest_tag\",status=\"200\""));
        Assert.Equal(1, await MetricsScrape.SumAsync(http, "nixery_registry_requests_total", "route=\"manifest_tag\",status=\"404\""));
        Assert.Equal(bytes, await MetricsScrape.SumAsync(http, "nixery_blob_served_bytes_total"));
        Assert.Equal(1, await MetricsScrape.SumAsync(http, "nixery_nix_build_duration_seconds_count"));

        // Every line is a JSON object; the lines of the build carry its image key.
        var lines = registry.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToArray();
        Assert.NotEmpty(lines);
        var building = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("Message").GetString()!.StartsWith("building image", StringComparison.Ordinal));
        var scopes = building.GetProperty("Scopes").EnumerateArray();
        Assert.Contains(scopes, s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("ImageKey", out var key) && key.GetString()!.Length == 64);
    }
}

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Nixery.EndToEnd.Tests.Support;
using Nixery.Images;
using Nixery.Manifests;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Xunit.Abstractions;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// A cluster of real processes — two silos and a separate frontend joined by
/// a real membership store — builds each image once, survives the loss of
/// the silo that was building, and keeps its state across restarts.
/// </summary>
public abstract class ClusterContract<TCluster>(TCluster cluster, ITestOutputHelper output) where TCluster : ProcessCluster
{
    protected TCluster Cluster => cluster;

    protected ITestOutputHelper Output => output;

    [Fact]
    public async Task A_pull_through_the_separate_frontend_runs_hello()
    {
        using var work = new TemporaryDirectory();
        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{cluster.Frontend.Address}/hello:latest", $"oci:{work.Combine("oci")}:image");
        await Shell.RunAsync("umoci", "unpack", "--image", $"{work.Combine("oci")}:image", work.Combine("bundle"));
        Assert.Equal("Hello, world!\n", await Shell.RunAsync("chroot", work.Combine("bundle", "rootfs"), "/bin/hello"));
    }

    /// <summary>
    /// The silo that receives a pull resolves its tag, the image grain may
    /// live on the other silo, and each silo has its own store: whatever the
    /// build needs must be made where it runs (issue 8).
    /// </summary>
    [Fact]
    public async Task Images_pulled_through_either_silo_build_wherever_their_grain_lives()
    {
        cluster.Packages.Resalt();
        string[][] images = [["hello"], ["jq"], ["curl"], ["hello", "jq"], ["hello", "curl"], ["jq", "curl"]];
        for (var i = 0; i < images.Length; i++)
        {
            using var http = cluster.Silos[i % cluster.Silos.Length].Http();
            var name = string.Join('/', images[i]);
            using var response = await http.SendAsync(HttpMethod.Get, $"/v2/{name}/manifests/latest", MediaTypes.DockerManifest);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} through silo {i % cluster.Silos.Length}: {(int)response.StatusCode} {body}");
            var manifest = System.Text.Encoding.UTF8.GetBytes(body);
            foreach (var blob in RegistryClient.LayerDigests(manifest).Append(RegistryClient.ConfigDigest(manifest)))
                Assert.Equal(blob, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await http.GetByteArrayAsync($"/v2/{name}/blobs/{blob}"))));
        }
    }

    [Fact]
    public async Task Fifty_concurrent_cold_pulls_through_every_process_cause_one_nix_build()
    {
        cluster.Packages.Resalt();
        cluster.Nix.Reset();
        var before = await BuildsStartedAsync();
        var endpoints = cluster.Silos.Append(cluster.Frontend).Select(p => p.Http()).ToArray();
        try
        {
            var digests = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            {
                using var request = RegistryClient.Request(i % 3 == 0 ? HttpMethod.Head : HttpMethod.Get, "/v2/curl/manifests/latest", MediaTypes.DockerManifest);
                using var response = await endpoints[i % endpoints.Length].SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return response.Header("Docker-Content-Digest");
            }));
            Assert.Single(digests.Distinct());
        }
        finally
        {
            foreach (var endpoint in endpoints) endpoint.Dispose();
        }
        Assert.Equal(1, cluster.Nix.Builds);
        Assert.Equal(before + 1, await BuildsStartedAsync());
    }

    [Fact]
    public async Task After_kill_9_of_the_silo_building_a_retried_pull_succeeds_and_every_blob_verifies()
    {
        cluster.Packages.Resalt();
        var before = await Task.WhenAll(cluster.Silos.Select(BuildsStartedAsync));
        using var http = cluster.Frontend.Http();
        var first = http.SendAsync(HttpMethod.Get, "/v2/slow/manifests/latest", MediaTypes.DockerManifest);

        RegistryProcess? builder = null;
        for (var attempt = 0; builder is null && attempt < 200; attempt++)
        {
            await Task.Delay(100);
            for (var i = 0; i < cluster.Silos.Length; i++)
                if (await BuildsStartedAsync(cluster.Silos[i]) > before[i]) builder = cluster.Silos[i];
        }
        Assert.NotNull(builder);
        await builder.KillAsync();
        var killed = Stopwatch.StartNew();
        // The pull under way ends within the frontend's bound (GrainPolling; README, "Every request ends"):
        // served by the build the other silo starts again, or 503 so that the client retries; never a 500.
        using (var answer = await first)
        {
            output.WriteLine($"the pull under way: {(int)answer.StatusCode} {killed.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(90), $"the pull under way ended {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        }

        byte[]? manifest = null;
        while (manifest is null)
        {
            // Issue 8 asks for 30 s; the bound is generous for a loaded machine, the figure is printed.
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(60), "no recovery within 60 s");
            using var retry = await http.SendAsync(HttpMethod.Get, "/v2/slow/manifests/latest", MediaTypes.DockerManifest);
            if (retry.StatusCode == HttpStatusCode.OK) manifest = await retry.Content.ReadAsByteArrayAsync();
            else await Task.Delay(250);
        }
        output.WriteLine($"recovered {killed.Elapsed.TotalSeconds:0.0} s after kill -9 of the building silo");

        foreach (var blob in RegistryClient.LayerDigests(manifest).Append(RegistryClient.ConfigDigest(manifest)))
            Assert.Equal(blob, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(await http.GetByteArrayAsync($"/v2/slow/blobs/{blob}"))));
        await cluster.ReplaceAsync(builder);
    }

    private async Task<double> BuildsStartedAsync()
    {
        var counts = await Task.WhenAll(cluster.Silos.Select(BuildsStartedAsync));
        return counts.Sum();
    }

    protected static async Task<double> BuildsStartedAsync(RegistryProcess silo)
    {
        using var http = silo.Http();
        return await MetricsScrape.SumAsync(http, "nixery_nix_builds_started_total");
    }
}

[Collection(Heavy.Name)]
public class RedisClusterTests(RedisProcessCluster cluster, ITestOutputHelper output)
    : ClusterContract<RedisProcessCluster>(cluster, output), IClassFixture<RedisProcessCluster>
{
    /// <summary>
    /// Issue 8 and 11: a layer grain may live on a silo whose own store lacks
    /// the layer's paths; the building silo then packs the layer itself and
    /// hands it to the grain. Placement hints (Orleans' RequestContext, which
    /// flows into every call the build makes) put the image grain on one silo
    /// and every grain its build activates, the layer grains among them, on
    /// the other, so the hand-off happens on every run, not by chance.
    /// </summary>
    [Fact]
    public async Task A_layer_whose_grain_lives_on_a_silo_without_its_store_paths_is_packed_by_the_building_silo()
    {
        Cluster.Packages.Resalt();
        foreach (var nix in Cluster.SiloNix) nix.Reset();
        var (builder, owner) = (Cluster.Silos[0], Cluster.Silos[1]);
        await using var client = await ClusterClient.ConnectAsync(Cluster.ClientOptions);
        var management = client.Grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        SiloAddress AddressOf(RegistryProcess silo) => hosts.Keys.Single(a => a.Endpoint.Port == silo.SiloPort);

        var request = (await client.Grains.GetGrain<IResolverGrain>(0).Resolve("hello", "latest")).Request!;
        var image = client.Grains.GetGrain<IImageGrain>(request.Key());
        ImageResult result;
        try
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, AddressOf(builder));
            await image.Status();
            RequestContext.Set(IPlacementDirector.PlacementHintKey, AddressOf(owner));
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            result = await client.Grains.GetImageAsync(request, limit.Token);
        }
        finally
        {
            RequestContext.Clear();
        }
        Assert.True(result.Image is not null, result.Error?.Message);

        var layers = (await image.Details()).Layers.Where(l => l.Paths.Count > 0).ToArray();
        Assert.NotEmpty(layers);
        foreach (var layer in layers)
        {
            var paths = layer.Paths.Select(p => p.Path).ToArray();
            Assert.Equal(AddressOf(owner), await management.GetActivationAddress(client.Grains.GetGrain<ILayerGrain>(LayerKey.Of(paths))));
            foreach (var path in paths)
            {
                Assert.True(Path.Exists(InStoreOf(builder, path)), $"{path} is not in the building silo's store");
                Assert.False(Path.Exists(InStoreOf(owner, path)), $"{path} is in the store of the silo that owns its layer");
            }
        }
        // Counted from outside: the building silo realised hello once, the owner of the layers built nothing.
        Assert.Equal(1, Cluster.SiloNix[0].BuildsOf("hello"));
        Assert.Equal(0, Cluster.SiloNix[1].Builds);

        // The pull through the separate frontend gets that image, its blobs verified by skopeo and umoci, and it runs.
        using var http = Cluster.Frontend.Http();
        var (_, digest, _) = await http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        Assert.Equal(result.Image.Docker.Digest.ToString(), digest);
        using var work = new TemporaryDirectory();
        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{Cluster.Frontend.Address}/hello:latest", $"oci:{work.Combine("oci")}:image");
        await Shell.RunAsync("umoci", "unpack", "--image", $"{work.Combine("oci")}:image", work.Combine("bundle"));
        Assert.Equal("Hello, world!\n", await Shell.RunAsync("chroot", work.Combine("bundle", "rootfs"), "/bin/hello"));
        Assert.Equal(0, Cluster.SiloNix[1].Builds);
    }

    /// <summary>
    /// Issue 8: a frontend request never hangs on silos that died. Orleans does
    /// not fail an external client's call when the silo running it dies; the
    /// frontend abandons such a call and asks again, and answers 503 (so the
    /// client retries) once no silo has answered for GrainPolling.FailureWindow:
    /// at most FailureWindow + AnswerWithin + one back-off, 55 s (README,
    /// "Running a cluster"). The assertion allows 90 s on a loaded machine;
    /// before, a request waited out a two-minute failure window and more.
    /// </summary>
    [Fact]
    public async Task After_kill_9_of_every_silo_mid_pull_the_frontend_answers_503_within_its_bound_and_a_retry_after_restarting_them_succeeds()
    {
        var bound = TimeSpan.FromSeconds(90);
        Cluster.Packages.Resalt();
        var before = await Task.WhenAll(Cluster.Silos.Select(BuildsStartedAsync));
        using var http = Cluster.Frontend.Http();
        var pull = TimedPullAsync(http, "slow");
        var started = false;
        for (var attempt = 0; !started && attempt < 200; attempt++)
        {
            await Task.Delay(100);
            for (var i = 0; i < Cluster.Silos.Length; i++) started |= await BuildsStartedAsync(Cluster.Silos[i]) > before[i];
        }
        Assert.True(started, "no silo started building");
        foreach (var silo in Cluster.Silos) await silo.KillAsync();
        var afterKill = TimedPullAsync(http, "slow");

        foreach (var (request, (status, error, elapsed)) in new[] { ("the pull under way", await pull), ("a pull sent after the kill", await afterKill) })
        {
            Output.WriteLine($"{request}: {status} {error} after {elapsed.TotalSeconds:0.0} s");
            Assert.True(elapsed < bound, $"{request} took {elapsed.TotalSeconds:0.0} s");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }

        foreach (var silo in Cluster.Silos.ToArray()) await Cluster.ReplaceAsync(silo);
        var restarted = Stopwatch.StartNew();
        HttpStatusCode last;
        do
        {
            var (status, _, elapsed) = await TimedPullAsync(http, "slow");
            Assert.True(elapsed < bound, $"a retry took {elapsed.TotalSeconds:0.0} s");
            last = status;
            if (last != HttpStatusCode.OK) await Task.Delay(250);
        }
        while (last != HttpStatusCode.OK && restarted.Elapsed < TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, last);
        Output.WriteLine($"served {restarted.Elapsed.TotalSeconds:0.0} s after the silos were restarted");
    }

    /// <summary>A manifest GET by tag: its status, registry error (if any) and how long it took.</summary>
    private static async Task<(HttpStatusCode Status, string? Error, TimeSpan Elapsed)> TimedPullAsync(HttpClient http, string name)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(HttpMethod.Get, $"/v2/{name}/manifests/latest", MediaTypes.DockerManifest);
        if (response.IsSuccessStatusCode) return (response.StatusCode, null, watch.Elapsed);
        var (code, message) = await response.ErrorAsync();
        return (response.StatusCode, $"{code}: {message}", watch.Elapsed);
    }

    /// <summary>The fixture's Redis requires a password, as deploy/ runs it; every process has it in its connection string, and none prints it.</summary>
    [Fact]
    public async Task Every_process_joins_through_a_redis_that_requires_a_password_and_none_prints_it()
    {
        var password = Cluster.Redis.Password;
        Assert.NotNull(password);
        using (var http = Cluster.Frontend.Http()) await http.ManifestAsync("hello", "latest", MediaTypes.DockerManifest);
        foreach (var process in Cluster.Silos.Append(Cluster.Frontend))
            Assert.DoesNotContain(password, process.Log);
    }

    /// <summary>
    /// A wrong password is a configuration error: the process stops at start-up
    /// with a message naming the variable (not Orleans' unhandled exception and
    /// stack trace), and neither the message nor the output holds the password.
    /// </summary>
    [Theory]
    [InlineData("Frontend")]
    [InlineData("Silo")]
    public async Task A_process_with_a_wrong_redis_password_stops_at_start_up_naming_the_variable_but_not_the_password(string project)
    {
        var wrong = "wrong-" + Guid.NewGuid().ToString("N");
        var environment = new Dictionary<string, string>
        {
            ["NIXERY_CLUSTERING"] = "redis",
            ["NIXERY_CLUSTERING_CONNECTION"] = $"{Cluster.Redis.Address},password={wrong}",
            ["NIXERY_GRAIN_STORAGE"] = "redis",
            ["NIXERY_CLUSTER_ID"] = Cluster.ClientOptions.ClusterId,
            ["NIXERY_ADVERTISED_ADDRESS"] = "127.0.0.1",
        };
        using var storage = new TemporaryDirectory();
        await using var intruder = new RegistryProcess(storage.Path, environment, project);
        var failure = await Record.ExceptionAsync(() => intruder.StartAsync(TimeSpan.FromSeconds(60)));
        // Exited (InvalidOperationException, with its output), rather than becoming ready or hanging.
        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("nixery: configuration error: NIXERY_CLUSTERING_CONNECTION: Redis at", failure.Message);
        Assert.Contains("refused the credentials", failure.Message);
        Assert.DoesNotContain("Unhandled exception", failure.Message);
        Assert.DoesNotContain(wrong, failure.Message + intruder.Log);
    }

    /// <summary>Where a store path of a silo's private store is, seen from outside its mount namespace.</summary>
    private static string InStoreOf(RegistryProcess silo, string storePath) =>
        Path.Combine(silo.PrivateNixStore!, Path.GetRelativePath("/nix", storePath));

    // On Redis membership only, as deploy/ runs it: one full crash per suite run is enough.
    /// <summary>
    /// Issue 8: after a full crash the cluster must serve again within 60 s,
    /// although the dead silos are still Active in the membership table and
    /// a joining silo waits until every Active silo answers or is declared dead.
    /// </summary>
    [Fact]
    public async Task After_kill_9_of_every_process_and_an_ordered_restart_pulls_are_served_within_60_s_from_stored_state()
    {
        Cluster.Packages.Resalt();
        Cluster.Nix.Reset();
        string digest;
        using (var http = Cluster.Frontend.Http()) (_, digest, _) = await http.ManifestAsync("jq", "latest");
        Assert.Equal(1, Cluster.Nix.Builds);

        var restart = Stopwatch.StartNew();
        await Cluster.CrashAndRestartAsync();
        var started = restart.Elapsed;
        using var again = Cluster.Frontend.Http();
        HttpStatusCode status;
        do
        {
            using var response = await again.SendAsync(HttpMethod.Get, "/v2/jq/manifests/latest", MediaTypes.DockerManifest);
            status = response.StatusCode;
            if (status == HttpStatusCode.OK) Assert.Equal(digest, response.Header("Docker-Content-Digest"));
            else await Task.Delay(250);
        }
        while (status != HttpStatusCode.OK && restart.Elapsed < TimeSpan.FromSeconds(90));
        Output.WriteLine($"served {restart.Elapsed.TotalSeconds:0.0} s after the restart began (every process up after {started.TotalSeconds:0.0} s)");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(restart.Elapsed < TimeSpan.FromSeconds(60), $"served only {restart.Elapsed.TotalSeconds:0.0} s after the restart began");
        Assert.Equal(1, Cluster.Nix.Builds);
    }
}

[Collection(Heavy.Name)]
public class AzureClusterTests(AzureProcessCluster cluster, ITestOutputHelper output)
    : ClusterContract<AzureProcessCluster>(cluster, output), IClassFixture<AzureProcessCluster>;

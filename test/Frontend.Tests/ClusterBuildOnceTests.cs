using System.Net;
using Nixery.Manifests;

namespace Nixery.Frontend.Tests;

/// <summary>
/// A TestCluster of three silos running real Nix on a salted demo package
/// set, which tests salt again when they need builds that really run. Its
/// clock moves only when a test moves it (the failure back-off).
/// </summary>
public sealed class ThreeSiloCluster : RegistryCluster
{
    private static readonly SaltedPackageSet SaltedPackages = new();

    public ThreeSiloCluster() : base(new RegistryClusterOptions(
        Silos: 3, PackageSet: SaltedPackages.Path, FailureBackoffSeconds: 60, SourceRefreshSeconds: 0, ResponseTimeout: TimeSpan.FromSeconds(3), ManualClock: true))
    {
    }

    public SaltedPackageSet Packages => SaltedPackages;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        SaltedPackages.Dispose();
    }
}

/// <summary>
/// Each image is built once per cluster: concurrent requests on every silo
/// join one build, and its outcome, success or failure, reaches them all.
/// Builds are counted from outside, as realisations the Nix wrapper saw;
/// the registry's own meter must agree.
/// </summary>
public class ClusterBuildOnceTests(ThreeSiloCluster registry) : IClassFixture<ThreeSiloCluster>
{
    [Fact]
    public async Task A_hundred_concurrent_heads_and_gets_on_three_silos_cause_one_nix_build_and_agree_on_the_digest()
    {
        registry.Packages.Resalt();
        registry.Nix.Reset();
        using var builds = new MeasurementCounter(registry.Meters, "nixery.nix.builds.started");
        var frontends = registry.SiloFrontends;
        var requests = Enumerable.Range(0, 100).Select(async i =>
        {
            var method = i % 2 == 0 ? HttpMethod.Head : HttpMethod.Get;
            using var response = await frontends[i % frontends.Count].SendAsync(method, "/v2/hello/curl/manifests/latest", MediaTypes.DockerManifest);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Header("Docker-Content-Digest");
        });
        var digests = await Task.WhenAll(requests);
        Assert.Single(digests.Distinct());
        Assert.Equal(1, registry.Nix.Builds);
        Assert.Equal(1, builds.Total);
    }

    [Fact]
    public async Task A_failing_build_reaches_every_waiter_with_its_message_and_is_retried_after_the_back_off()
    {
        registry.Packages.Resalt();
        registry.Nix.Reset();
        using var builds = new MeasurementCounter(registry.Meters, "nixery.nix.builds.started");
        var frontends = registry.SiloFrontends;
        var messages = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            using var response = await frontends[i % frontends.Count].SendAsync(HttpMethod.Get, "/v2/broken/manifests/latest");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            return (await response.ErrorAsync()).Message;
        }));
        Assert.All(messages, m => Assert.Contains("this package is broken on purpose", m));
        Assert.Equal(1, registry.Nix.Builds);
        Assert.Equal(1, builds.Total);

        // Within the back-off (60 s on the cluster's clock, which only the test moves) the error is returned as it is...
        registry.Clock.Advance(TimeSpan.FromSeconds(59));
        using (var again = await frontends[0].SendAsync(HttpMethod.Get, "/v2/broken/manifests/latest"))
            Assert.Equal(messages[0], (await again.ErrorAsync()).Message);
        Assert.Equal(1, registry.Nix.Builds);

        // ...after it, the next request builds again.
        registry.Clock.Advance(TimeSpan.FromSeconds(2));
        using (var retry = await frontends[1].SendAsync(HttpMethod.Get, "/v2/broken/manifests/latest"))
            Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
        Assert.Equal(2, registry.Nix.Builds);
        Assert.Equal(2, builds.Total);
    }

    [Fact]
    public async Task A_build_longer_than_the_response_timeout_still_answers()
    {
        // The cluster's response timeout is 3 s; the slow package builds for 10 s.
        registry.Packages.Resalt();
        using var response = await registry.Http.SendAsync(HttpMethod.Get, "/v2/slow/manifests/latest", MediaTypes.DockerManifest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Status_queries_answer_while_a_build_runs()
    {
        registry.Packages.Resalt();
        var resolved = await registry.Cluster.Client.GetGrain<IResolverGrain>(0).Resolve("slow/hello", "latest");
        var grain = registry.Cluster.Client.GetGrain<IImageGrain>(resolved.Request!.Key());
        var build = registry.Cluster.Client.GetImageAsync(resolved.Request, CancellationToken.None);
        // A status call queued behind the build would answer Built (or time out), never Building.
        await Poll.UntilAsync(async () => (await grain.Status()).State == ImageState.Building || build.IsCompleted, "the build never showed as building");
        Assert.Equal(ImageState.Building, (await grain.Status()).State);
        Assert.NotNull((await build).Image);
    }

    [Fact]
    public async Task A_client_that_cancels_does_not_stop_the_build_for_others()
    {
        registry.Packages.Resalt();
        registry.Nix.Reset();
        using var builds = new MeasurementCounter(registry.Meters, "nixery.nix.builds.started");
        using var impatient = new CancellationTokenSource();
        var request = RegistryClient.Request(HttpMethod.Get, "/v2/slow/zlib/manifests/latest", MediaTypes.DockerManifest);
        var cancelled = registry.SiloFrontends[0].SendAsync(request, impatient.Token);
        // The client leaves once Nix is building (the slow package takes 10 s), not after a guess at how long that takes.
        await Poll.UntilAsync(() => registry.Nix.Builds == 1, "Nix was never asked to build");
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        using var patient = await registry.SiloFrontends[1].SendAsync(HttpMethod.Get, "/v2/slow/zlib/manifests/latest", MediaTypes.DockerManifest);
        Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
        Assert.Equal(1, registry.Nix.Builds);
        Assert.Equal(1, builds.Total);
    }
}

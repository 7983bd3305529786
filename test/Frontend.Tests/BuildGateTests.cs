using System.Net;

namespace Nixery.Frontend.Tests;

/// <summary>
/// The one gate pulls and the web page's events pass before a build can
/// start, over a real cluster: refusals only for an image that is neither
/// built nor building, and a cold-build token only when a build would start.
/// </summary>
public class BuildGateTests(RegistryCluster registry) : IClassFixture<RegistryCluster>
{
    [Fact]
    public async Task Only_an_image_neither_built_nor_building_is_refused_or_costs_a_token()
    {
        var lookup = new ImageLookup(registry.Cluster.Client);
        using var limiter = new ColdBuildLimiter(perMinute: 1);
        var gate = new BuildGate(lookup, limiter);
        var client = IPAddress.Parse("192.0.2.7");
        var resolved = await lookup.ResolveAsync("hello", "latest");
        var request = resolved.Request!;

        Assert.Equal(BuildGate.Refusal.MayNotBuild, await gate.CheckAsync(request, mayBuild: false, client));
        Assert.Equal(BuildGate.Refusal.None, await gate.CheckAsync(request, mayBuild: true, client));
        Assert.Equal(BuildGate.Refusal.TooManyBuilds, await gate.CheckAsync(request, mayBuild: true, client));
        Assert.Equal(0, registry.Nix.Builds);

        Assert.NotNull((await lookup.AwaitAsync(resolved, CancellationToken.None)).Image);
        Assert.Equal(BuildGate.Refusal.None, await gate.CheckAsync(request, mayBuild: false, client));
        // The client has no token left, and needs none for an image that exists.
        Assert.Equal(BuildGate.Refusal.None, await gate.CheckAsync(request, mayBuild: true, client));
        Assert.Equal(1, registry.Nix.Builds);
    }
}

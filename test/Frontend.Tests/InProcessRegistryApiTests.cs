namespace Nixery.Frontend.Tests;

/// <summary>The registry API contract (test/Support) against the in-process cluster; the build count comes from the image grain.</summary>
public class InProcessRegistryApiTests(RegistryCluster registry) : RegistryApiContract, IClassFixture<RegistryCluster>
{
    protected override HttpClient Http => registry.Http;

    protected override async Task<int> BuildsOfAsync(string name, string tag)
    {
        var resolved = await registry.Cluster.Client.GetGrain<IResolverGrain>(0).Resolve(name, tag);
        var status = await registry.Cluster.Client.GetGrain<IImageGrain>(resolved.Request!.Key()).Status();
        Assert.Equal(ImageState.Built, status.State);
        return status.Builds;
    }
}

namespace Nixery.Frontend.Tests;

/// <summary>The registry API contract (test/Support) against the in-process cluster; builds are counted by the cluster's Nix wrapper, and the image grain's own count must agree.</summary>
public class InProcessRegistryApiTests(RegistryCluster registry) : RegistryApiContract, IClassFixture<RegistryCluster>
{
    protected override HttpClient Http => registry.Http;

    protected override async Task<int> BuildsOfAsync(string name, string tag)
    {
        var resolved = await registry.Cluster.Client.GetGrain<IResolverGrain>(0).Resolve(name, tag);
        var status = await registry.Cluster.Client.GetGrain<IImageGrain>(resolved.Request!.Key()).Status();
        Assert.Equal(ImageState.Built, status.State);
        var realisations = registry.Nix.BuildsOf(name.Split('/'));
        Assert.Equal(realisations, status.Builds);
        return realisations;
    }

    /// <summary>
    /// Any peer of the cluster can name a grain; a key that is not a hash
    /// must not reach the file system (GC roots are directories named by key).
    /// </summary>
    [Fact]
    public async Task Grains_with_keys_that_are_not_hashes_refuse_every_call_and_delete_nothing()
    {
        var victim = Path.Combine(registry.StoragePath, "victim");
        Directory.CreateDirectory(victim);
        await File.WriteAllTextAsync(Path.Combine(victim, "keep"), "precious");
        var grains = registry.Cluster.Client;

        foreach (var key in new[] { "../victim", "..", "gcroots/../victim", new string('A', 64) })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IImageGrain>(key).Expire(DateTimeOffset.MaxValue));
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IImageGrain>(key).Status());
            await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<ILayerGrain>(key).Await(new LayerSpec(["/nix/store/x"]), TimeSpan.FromSeconds(1), CancellationToken.None));
        }
        Assert.Equal("precious", await File.ReadAllTextAsync(Path.Combine(victim, "keep")));
    }
}

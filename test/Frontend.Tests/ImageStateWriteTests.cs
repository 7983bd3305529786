using Nixery.Tests.Support;

namespace Nixery.Frontend.Tests;

/// <summary>
/// The image grain is reentrant, so calls interleave at every await; its
/// state writes must not (issue 8): two writes from the same ETag would make
/// the second fail with InconsistentStateException, a 500 to the client.
/// (Orleans 10.4.2 already queues a grain's storage operations; the grain
/// also decides and writes under one gate, so a write is never based on a
/// decision another write has made stale.)
/// </summary>
public class ImageStateWriteTests(ImageStateWriteTests.Registry registry) : IClassFixture<ImageStateWriteTests.Registry>
{
    public sealed class Registry() : RegistryCluster(new RegistryClusterOptions(ManualClock: true));

    [Fact]
    public async Task Concurrent_pulls_that_all_record_the_pull_time_all_succeed()
    {
        var grains = registry.Cluster.Client;
        var resolved = await grains.GetGrain<IResolverGrain>(0).Resolve("hello", "latest");
        var request = resolved.Request!;
        var image = grains.GetGrain<IImageGrain>(request.Key());
        ImageResult? built = null;
        while (built is null) built = await image.Await(request, TimeSpan.FromSeconds(5));
        Assert.Null(built.Error);

        // Each round, every pull finds the recorded pull time stale and wants to write it again.
        for (var round = 0; round < 5; round++)
        {
            registry.Clock.Advance(TimeSpan.FromHours(2));
            var pulls = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => image.Await(request, TimeSpan.FromSeconds(10))));
            Assert.All(pulls, pull => Assert.Equal(built.Image!.Docker.Digest, pull!.Image!.Docker.Digest));
        }
    }
}

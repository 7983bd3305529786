using System.Net;

namespace Nixery.Frontend.Tests;

[Trait("Category", "Unit")]
public class ColdBuildLimiterTests
{
    [Fact]
    public void Each_client_address_has_its_own_budget_of_builds_per_minute()
    {
        using var limiter = new ColdBuildLimiter(perMinute: 2);
        var first = IPAddress.Parse("192.0.2.1");
        var second = IPAddress.Parse("192.0.2.2");
        Assert.True(limiter.TryStart(first));
        Assert.True(limiter.TryStart(first));
        Assert.False(limiter.TryStart(first));
        Assert.True(limiter.TryStart(second));
    }

    [Fact]
    public void Zero_means_no_limit()
    {
        using var limiter = new ColdBuildLimiter(perMinute: 0);
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(limiter.TryStart(IPAddress.Loopback)));
    }
}

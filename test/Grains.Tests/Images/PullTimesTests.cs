using Nixery.Images;

namespace Nixery.Tests.Images;

[Trait("Category", "Unit")]
public class PullTimesTests
{
    private static readonly DateTimeOffset Recorded = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_pull_within_the_resolution_records_nothing() => Assert.False(PullTimes.IsStale(Recorded, Recorded + PullTimes.Resolution));

    [Fact]
    public void A_pull_after_the_resolution_records_the_time() => Assert.True(PullTimes.IsStale(Recorded, Recorded + PullTimes.Resolution + TimeSpan.FromSeconds(1)));
}

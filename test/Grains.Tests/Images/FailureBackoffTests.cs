using Microsoft.Extensions.Time.Testing;
using Nixery.Images;

namespace Nixery.Tests.Images;

/// <summary>The failure back-off on a fake clock: no test sleeps through it.</summary>
[Trait("Category", "Unit")]
public class FailureBackoffTests
{
    private static readonly BuildError Error = BuildError.Of(BuildErrorKind.BuildFailed, "builder for hello failed");

    [Fact]
    public void A_failure_is_the_answer_until_the_back_off_has_passed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var backoff = new FailureBackoff(TimeSpan.FromSeconds(30), clock);

        backoff.Failed(Error);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(Error, backoff.Active);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(backoff.Active);
        Assert.Same(Error, backoff.Last);
    }

    [Fact]
    public void A_success_clears_the_failure()
    {
        var backoff = new FailureBackoff(TimeSpan.FromSeconds(30), new FakeTimeProvider());
        backoff.Failed(Error);
        backoff.Clear();
        Assert.Null(backoff.Active);
        Assert.Null(backoff.Last);
    }

    [Fact]
    public void A_zero_back_off_lets_the_next_request_build_at_once()
    {
        var backoff = new FailureBackoff(TimeSpan.Zero, new FakeTimeProvider());
        backoff.Failed(Error);
        Assert.Null(backoff.Active);
    }
}

using Microsoft.Extensions.Time.Testing;
using Nixery.Sources;

namespace Nixery.Tests.Sources;

[Trait("Category", "Unit")]
public class ExpiringSingleFlightTests
{

    [Fact]
    public async Task Concurrent_callers_share_one_computation()
    {
        var flight = new ExpiringSingleFlight<string>(TimeSpan.FromMinutes(1), new FakeTimeProvider());
        var calls = 0;
        var release = new TaskCompletionSource();
        async Task<string> Compute(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            await release.Task;
            return "value";
        }
        var waiters = Enumerable.Range(0, 20).Select(_ => flight.GetAsync(Compute, CancellationToken.None)).ToArray();
        release.SetResult();
        Assert.All(await Task.WhenAll(waiters), v => Assert.Equal("value", v));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_failure_reaches_every_waiter_and_is_not_kept()
    {
        var flight = new ExpiringSingleFlight<string>(TimeSpan.FromMinutes(1), new FakeTimeProvider());
        var calls = 0;
        Task<string> Fail(CancellationToken _)
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("unreachable");
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => flight.GetAsync(Fail, CancellationToken.None));
        Assert.Equal("second", await flight.GetAsync(_ => Task.FromResult("second"), CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task An_expired_value_is_returned_while_one_refresh_runs_in_the_background()
    {
        var clock = new FakeTimeProvider();
        var flight = new ExpiringSingleFlight<string>(TimeSpan.FromSeconds(10), clock);
        Assert.Equal("old", await flight.GetAsync(_ => Task.FromResult("old"), CancellationToken.None));

        clock.Advance(TimeSpan.FromSeconds(11));
        var refresh = new TaskCompletionSource<string>();
        var refreshes = 0;
        Task<string> Refresh(CancellationToken _)
        {
            Interlocked.Increment(ref refreshes);
            return refresh.Task;
        }
        Assert.Equal("old", await flight.GetAsync(Refresh, CancellationToken.None));
        Assert.Equal("old", await flight.GetAsync(Refresh, CancellationToken.None));
        refresh.SetResult("new");
        // The refresh stores its value on another thread: ask until it shows, however loaded the machine.
        await Poll.UntilAsync(async () => await flight.GetAsync(Refresh, CancellationToken.None) == "new", "the refreshed value never showed");
        Assert.Equal(1, refreshes);
    }

    [Fact]
    public async Task A_zero_lifetime_computes_for_every_call()
    {
        var flight = new ExpiringSingleFlight<string>(TimeSpan.Zero, new FakeTimeProvider());
        var calls = 0;
        for (var i = 0; i < 3; i++) await flight.GetAsync(_ => Task.FromResult($"{Interlocked.Increment(ref calls)}"), CancellationToken.None);
        Assert.Equal(3, calls);
    }
}

namespace Nixery.Tests;

/// <summary>The contract of a build many callers join.</summary>
[Trait("Category", "Unit")]
public class SharedBuildTests
{
    [Fact]
    public async Task Concurrent_callers_join_one_run_and_all_get_its_result()
    {
        var build = new SharedBuild<string>();
        var runs = 0;
        var release = new TaskCompletionSource<string>();
        var callers = Enumerable.Range(0, 10)
            .Select(_ => build.JoinAsync(() => { runs++; return release.Task; }, TimeSpan.FromMinutes(1), CancellationToken.None))
            .ToArray();
        release.SetResult("image");
        Assert.All(await Task.WhenAll(callers), r => Assert.Equal("image", r));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_failure_reaches_every_caller()
    {
        var build = new SharedBuild<string>();
        var release = new TaskCompletionSource<string>();
        var callers = Enumerable.Range(0, 5).Select(_ => build.JoinAsync(() => release.Task, TimeSpan.FromMinutes(1), CancellationToken.None)).ToArray();
        release.SetException(new InvalidOperationException("builder failed"));
        foreach (var caller in callers)
            Assert.Equal("builder failed", (await Assert.ThrowsAsync<InvalidOperationException>(() => caller)).Message);
    }

    [Fact]
    public async Task A_caller_that_waits_too_long_hears_not_yet_and_the_run_goes_on()
    {
        var build = new SharedBuild<string>();
        var release = new TaskCompletionSource<string>();
        Assert.Null(await build.JoinAsync(() => release.Task, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.True(build.IsRunning);
        var again = build.JoinAsync(() => throw new InvalidOperationException("not a second run"), TimeSpan.FromMinutes(1), CancellationToken.None);
        release.SetResult("done");
        Assert.Equal("done", await again);
    }

    [Fact]
    public async Task A_caller_that_cancels_stops_only_its_own_wait()
    {
        var build = new SharedBuild<string>();
        var release = new TaskCompletionSource<string>();
        using var cancel = new CancellationTokenSource();
        var impatient = build.JoinAsync(() => release.Task, TimeSpan.FromMinutes(1), cancel.Token);
        var patient = build.JoinAsync(() => release.Task, TimeSpan.FromMinutes(1), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        release.SetResult("done");
        Assert.Equal("done", await patient);
    }

    [Fact]
    public async Task After_a_run_ends_the_next_caller_starts_a_new_one()
    {
        var build = new SharedBuild<string>();
        var runs = 0;
        await build.JoinAsync(() => Task.FromResult($"run {++runs}"), TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.False(build.IsRunning);
        Assert.Equal("run 2", await build.JoinAsync(() => Task.FromResult($"run {++runs}"), TimeSpan.FromMinutes(1), CancellationToken.None));
    }
}

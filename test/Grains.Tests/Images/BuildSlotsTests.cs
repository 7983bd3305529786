using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Images;
using Nixery.Metrics;
using Nixery.Nix;

namespace Nixery.Tests.Images;

[Trait("Category", "Unit")]

public class BuildSlotsTests
{
    private static BuildSlots Slots(int concurrent, int queued) => new(
        Options.Create(new NixOptions { MaxConcurrentBuilds = concurrent, MaxQueuedBuilds = queued }),
        new RegistryMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()));

    [Fact]
    public async Task Builds_beyond_the_queue_limit_are_refused_as_busy_and_the_queue_frees_up()
    {
        var slots = Slots(concurrent: 1, queued: 2);
        var running = await slots.AcquireAsync(CancellationToken.None);
        var waiting = new[] { slots.AcquireAsync(CancellationToken.None), slots.AcquireAsync(CancellationToken.None) };

        var refused = await Assert.ThrowsAsync<BuildFailedException>(() => slots.AcquireAsync(CancellationToken.None));
        Assert.Equal(BuildErrorKind.Busy, refused.Error.Kind);
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        running.Dispose();
        (await waiting[0]).Dispose();
        (await waiting[1]).Dispose();
        (await slots.AcquireAsync(CancellationToken.None)).Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var slots = Slots(concurrent: 1, queued: 1);
        using var running = await slots.AcquireAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiter = slots.AcquireAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        var next = slots.AcquireAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);
    }
}

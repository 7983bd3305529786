using Orleans.Runtime;

namespace Nixery;

/// <summary>
/// Waits for a long build by polling its grain. Each poll is a short call,
/// so a silo that dies mid-build costs one failed poll: the next one
/// activates the grain on a live silo, which builds again. One long call
/// would instead hang until its response timeout.
/// </summary>
public static class GrainPolling
{
    /// <summary>How long one poll waits inside the grain; well under the calls' 15-second response timeout.</summary>
    public static readonly TimeSpan PollWait = TimeSpan.FromSeconds(5);

    public static Task<ImageResult> GetImageAsync(this IGrainFactory grains, ImageRequest request, CancellationToken cancellation) =>
        PollAsync(token => grains.GetGrain<IImageGrain>(request.Key()).Await(request, PollWait, token), cancellation);

    /// <summary>How long polls may keep failing before the cluster counts as unavailable.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(2);

    public static async Task<T> PollAsync<T>(Func<CancellationToken, Task<T?>> poll, CancellationToken cancellation) where T : class
    {
        var delay = TimeSpan.FromMilliseconds(200);
        DateTime? failingSince = null;
        while (true)
        {
            try
            {
                if (await poll(cancellation) is { } result) return result;
                failingSince = null;
                delay = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception e) when (IsTransient(e) && !cancellation.IsCancellationRequested
                && DateTime.UtcNow - (failingSince ??= DateTime.UtcNow) < FailureWindow)
            {
                // The silo holding the grain went away, or a call was lost
                // with it: wait a moment for membership to notice, then ask again.
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public static bool IsTransient(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
        || e.InnerException is { } inner && IsTransient(inner);
}

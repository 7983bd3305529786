using Orleans.Runtime;

namespace Nixery;

/// <summary>
/// Waits for long work in the cluster without trusting any one call to come
/// back. Orleans does not fail a call whose silo dies while it runs: an
/// external client (a separate frontend) only hears of it when the call's
/// response timeout ends, which for a resolve is fifteen minutes. So long
/// work is polled with short calls (a build answers "not yet" every
/// <see cref="PollWait"/>), a call unanswered after <see cref="AnswerWithin"/>
/// is abandoned and asked again (on a live silo, once membership has dropped
/// the dead one), and after <see cref="FailureWindow"/> of nothing but
/// failures the cluster counts as unavailable, which the frontend answers
/// with 503 so that clients retry. Hence the bound on a request while the
/// cluster cannot answer: the window, plus one abandoned call and one
/// back-off, about a minute (README, "Running a cluster").
/// </summary>
public static class GrainPolling
{
    /// <summary>How long one poll waits inside the grain; well under the calls' 15-second response timeout.</summary>
    public static readonly TimeSpan PollWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest wait for the answer to one call before it is abandoned and
    /// asked again: above the 15 s response timeout of polls, and several
    /// times membership's time to declare a silo dead (Membership: 3 probes of 2 s).
    /// </summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    /// <summary>How long calls may keep failing before the cluster counts as unavailable.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public static Task<ImageResult> GetImageAsync(this IGrainFactory grains, ImageRequest request, CancellationToken cancellation) =>
        PollAsync(token => grains.GetGrain<IImageGrain>(request.Key()).Await(request, PollWait, token), cancellation);

    /// <summary>
    /// A call that may take long for good reasons (resolving a tag may fetch
    /// the source) and may be lost with a silo that died: abandoned after
    /// <see cref="AnswerWithin"/> and asked again, which joins the work under
    /// way, until it answers or <paramref name="limit"/> passes (then
    /// <see cref="TimeoutException"/>: the cluster did not answer).
    /// </summary>
    public static Task<T> AskUntilAnsweredAsync<T>(Func<Task<T>> call, TimeSpan limit, CancellationToken cancellation) where T : class
    {
        var deadline = DateTime.UtcNow + limit;
        return PollAsync<T>(async token =>
        {
            try
            {
                return await call().WaitAsync(AnswerWithin, token);
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                return null;
            }
        }, cancellation);
    }

    public static async Task<T> PollAsync<T>(Func<CancellationToken, Task<T?>> poll, CancellationToken cancellation) where T : class
    {
        var delay = TimeSpan.FromMilliseconds(200);
        DateTime? failingSince = null;
        while (true)
        {
            try
            {
                if (await poll(cancellation).WaitAsync(AnswerWithin, cancellation) is { } result) return result;
                failingSince = null;
                delay = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception e) when (IsTransient(e) && !cancellation.IsCancellationRequested
                && DateTime.UtcNow - (failingSince ??= DateTime.UtcNow) < FailureWindow)
            {
                // The silo holding the grain went away, or a call was lost
                // with it: wait a moment for membership to notice, then ask again.
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>
    /// The call did not reach a live silo or got no answer: asking again may
    /// succeed. A gateway that died is ConnectionFailedException ("Unable to
    /// connect to endpoint") when the frontend next tries it.
    /// </summary>
    public static bool IsTransient(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException
            or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException
        || e.InnerException is { } inner && IsTransient(inner);
}

using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Keeps the last builds of the cluster, newest first, in its state so the
/// list survives restarts. Small by construction: a bounded number of
/// entries, each with at most the tail of one error message.
/// </summary>
[Reentrant]
public sealed class BuildHistoryGrain(
    [PersistentState("history", StorageNames.Registry)] IPersistentState<BuildHistory> history) : Grain, IBuildHistoryGrain
{
    public const int Capacity = 200;
    private const int MaxMessageLength = 4000;

    private Task _writing = Task.CompletedTask;

    public async Task Record(BuildOutcome outcome)
    {
        if (outcome.Error is { Message.Length: > MaxMessageLength } error)
            outcome = outcome with { Error = error with { Message = "…" + error.Message[^MaxMessageLength..] } };
        history.State.Builds = [outcome, .. history.State.Builds.Take(Capacity - 1)];
        // Writes one after another: grain state must not be written concurrently.
        _writing = WriteAfter(_writing);
        await _writing;
    }

    public Task<IReadOnlyList<BuildOutcome>> Recent(int limit) =>
        Task.FromResult<IReadOnlyList<BuildOutcome>>(history.State.Builds.Take(Math.Clamp(limit, 0, Capacity)).ToArray());

    private async Task WriteAfter(Task previous)
    {
        try
        {
            await previous;
        }
        catch
        {
            // That write's failure was its caller's; this write stands on its own.
        }
        await history.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("nixery.BuildHistory")]
public sealed class BuildHistory
{
    [Id(0)] public IReadOnlyList<BuildOutcome> Builds { get; set; } = [];
}

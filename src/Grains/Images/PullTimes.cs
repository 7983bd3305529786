namespace Nixery.Images;

/// <summary>
/// When an image was last pulled is recorded coarsely: garbage collection
/// counts retention in days, and writing state and the index on every pull
/// would turn each warm pull into two storage writes.
/// </summary>
public static class PullTimes
{
    /// <summary>How stale the recorded last-pulled time may get before a pull records it again.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromHours(1);

    public static bool IsStale(DateTimeOffset recorded, DateTimeOffset now) => now - recorded > Resolution;
}

namespace Nixery;

/// <summary>How grains treat builds over time.</summary>
public sealed class BuildPolicy
{
    /// <summary>
    /// <c>NIXERY_FAILURE_BACKOFF</c>: seconds a failed build's error is
    /// returned as it is before the next request builds again.
    /// </summary>
    public int FailureBackoffSeconds { get; set; } = 30;

    public TimeSpan FailureBackoff => TimeSpan.FromSeconds(FailureBackoffSeconds);
}

namespace Nixery.Images;

/// <summary>
/// The last failed build of one image and when it failed: for
/// <c>NIXERY_FAILURE_BACKOFF</c> its error is the answer, so a broken
/// package is not rebuilt for every pull; after that the next request
/// builds again.
/// </summary>
public sealed class FailureBackoff(TimeSpan backoff, TimeProvider clock)
{
    private (BuildError Error, DateTimeOffset At)? _last;

    /// <summary>The last failure, however old (for status queries).</summary>
    public BuildError? Last => _last?.Error;

    /// <summary>The last failure while it is still the answer, else null.</summary>
    public BuildError? Active => _last is { } last && clock.GetUtcNow() - last.At < backoff ? last.Error : null;

    /// <summary>Records a failure; a busy registry is no property of the image and is not repeated as its answer.</summary>
    public void Failed(BuildError error)
    {
        if (error.Kind != BuildErrorKind.Busy) _last = (error, clock.GetUtcNow());
    }

    public void Clear() => _last = null;
}

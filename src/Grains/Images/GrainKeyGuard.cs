namespace Nixery.Images;

/// <summary>
/// A grain keyed by a hash of its request refuses a request that hashes to
/// another key: the key is what makes "one build per cluster" true, and a
/// grain that served a foreign request would store it under the wrong key.
/// </summary>
public static class GrainKeyGuard
{
    /// <summary>An error when <paramref name="requestKey"/> is not <paramref name="grainKey"/>, else null.</summary>
    public static BuildError? Mismatch(string requestKey, string grainKey, string what) =>
        requestKey == grainKey ? null : BuildError.Of(BuildErrorKind.Internal, $"the {what} does not belong to this grain");
}

namespace Nixery.Images;

/// <summary>
/// A grain keyed by a hash of its request refuses a request that hashes to
/// another key: the key is what makes "one build per cluster" true, and a
/// grain that served a foreign request would store it under the wrong key.
/// And a key that is not a hash at all never activates: keys become paths
/// (GC roots, documents), and any peer of the cluster can name a grain
/// (issue 8: <c>IImageGrain("../..").Expire</c> deleted a directory tree).
/// </summary>
public static class GrainKeyGuard
{
    /// <summary>Image and layer keys are SHA-256 hashes: 64 lowercase hex digits.</summary>
    public static bool IsWellFormed(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower);

    /// <summary>Throws for a key that no request of the registry can hash to.</summary>
    public static string Require(string key) =>
        IsWellFormed(key) ? key : throw new ArgumentException($"'{Redaction.Text(key[..Math.Min(key.Length, 80)])}' is not a grain key (64 lowercase hex digits)", nameof(key));

    /// <summary>An error when <paramref name="requestKey"/> is not <paramref name="grainKey"/>, else null.</summary>
    public static BuildError? Mismatch(string requestKey, string grainKey, string what) =>
        requestKey == grainKey ? null : BuildError.Of(BuildErrorKind.Internal, $"the {what} does not belong to this grain");
}

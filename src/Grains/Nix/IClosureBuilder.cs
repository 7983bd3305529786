namespace Nixery.Nix;

/// <summary>
/// "Build these packages and give me the closure": all the image pipeline
/// needs of Nix. <see cref="NixBuilder"/> is the real one; the pipeline's own
/// tests give a canned closure, so they run without Nix.
/// </summary>
public interface IClosureBuilder
{
    /// <summary>
    /// Realises the request's packages, keeps them alive under
    /// <paramref name="gcRoot"/>, and returns their runtime closure. Failures
    /// the client should read are <see cref="BuildFailedException"/>s.
    /// </summary>
    Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation);
}

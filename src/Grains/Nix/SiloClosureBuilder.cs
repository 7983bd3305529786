using Nixery.Sources;

namespace Nixery.Nix;

/// <summary>
/// The closure builder of a silo: the revision goes into this silo's own
/// store first, wherever its tag was resolved, then Nix builds from it.
/// </summary>
public sealed class SiloClosureBuilder(RevisionImports revisions, NixBuilder nix) : IClosureBuilder
{
    public async Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation)
    {
        using var source = await revisions.UseAsync(request.Source, cancellation);
        return await nix.BuildAsync(request, gcRoot, cancellation);
    }
}

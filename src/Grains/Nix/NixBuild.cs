using Nixery.Layering;
using Nixery.Sbom;

namespace Nixery.Nix;

/// <summary>
/// What Nix produced for an image: the runtime closure and the requested
/// packages' output paths in priority order (the customisation layer's
/// symlink farm gives earlier packages precedence); for the SBOM, the output
/// name of each store path whose derivation Nix still has, and the package
/// set's <c>meta</c> of the requested packages.
/// </summary>
public sealed record NixBuild(ClosureGraph Graph, IReadOnlyList<string> PackageRoots)
{
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, PackageMeta> Meta { get; init; } = new Dictionary<string, PackageMeta>();
}

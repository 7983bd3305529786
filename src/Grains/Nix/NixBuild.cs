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
    /// <summary>
    /// Still being asked of Nix when the build is returned: only the SBOM needs the names, and
    /// it is written after the layers are packed, so packing does not wait for one more Nix
    /// process (issue 9). Never faults: names Nix cannot give are left out.
    /// </summary>
    public Task<IReadOnlyDictionary<string, string>> Outputs { get; init; } =
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());

    public IReadOnlyDictionary<string, PackageMeta> Meta { get; init; } = new Dictionary<string, PackageMeta>();
}

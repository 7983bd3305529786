using Nixery.Layering;

namespace Nixery.Nix;

/// <summary>
/// What Nix produced for an image: the runtime closure and the requested
/// packages' output paths in priority order (the customisation layer's
/// symlink farm gives earlier packages precedence).
/// </summary>
public sealed record NixBuild(ClosureGraph Graph, IReadOnlyList<string> PackageRoots);

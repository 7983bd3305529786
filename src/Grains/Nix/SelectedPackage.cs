namespace Nixery.Nix;

/// <summary>One derivation output chosen for an image, with what the package set's <c>meta</c> says about it.</summary>
public sealed record SelectedOutput(string DrvPath, string Output, string Path, Sbom.PackageMeta? Meta = null);

/// <summary>A requested name and the outputs it resolved to (several for a meta-package).</summary>
public sealed record SelectedPackage(string Name, IReadOnlyList<SelectedOutput> Outputs);

/// <summary>The selector's answer: found packages in request order, and every name that is not a package.</summary>
public sealed record PackageSelectionResult(IReadOnlyList<SelectedPackage> Found, IReadOnlyList<string> Missing);

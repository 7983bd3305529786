namespace Nixery.Sbom;

/// <summary>
/// What a package set's <c>meta</c> says about a package, when it says it:
/// SPDX license identifiers (<c>meta.license.spdxId</c>, several for a list),
/// homepage and description.
/// </summary>
public sealed record PackageMeta(IReadOnlyList<string> Licenses, string? Homepage, string? Description)
{
    public static readonly PackageMeta None = new([], null, null);
}

namespace Nixery.Naming;

/// <summary>What an image name asks for: sorted, de-duplicated package attribute paths and a platform.</summary>
public sealed record PackageSelection(IReadOnlyList<string> Packages, Platform Platform);

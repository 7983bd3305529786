namespace Nixery.Naming;

/// <summary>
/// Reads packages out of a repository name, as Nixery does: every path
/// segment is a package attribute path (dots address nested sets), a leading
/// run of the meta-packages <c>shell</c> and <c>arm64</c> expands to packages
/// or selects the platform, and the result is sorted and de-duplicated so the
/// order of segments never changes the image.
/// </summary>
public sealed class ImageNameParser(NamingOptions options)
{
    public const string ShellMetaPackage = "shell";
    public const string Arm64MetaPackage = "arm64";

    /// <param name="repository">A name that passed <see cref="DistributionGrammar.IsValidName"/>.</param>
    public PackageSelection Parse(string repository)
    {
        var segments = repository.Split('/');
        var packages = new SortedSet<string>(StringComparer.Ordinal);
        var platform = Platform.Amd64;

        var index = 0;
        for (; index < segments.Length; index++)
        {
            if (segments[index] == ShellMetaPackage) packages.UnionWith(options.ShellPackages);
            else if (segments[index] == Arm64MetaPackage) platform = Platform.Arm64;
            else break;
        }
        for (; index < segments.Length; index++) packages.Add(AttributePath(segments[index]));
        packages.UnionWith(options.DefaultPackages);
        return new PackageSelection([.. packages], platform);
    }

    /// <summary>
    /// Nix identifiers cannot start with a digit, so nixpkgs names such
    /// packages with a leading underscore (<c>1password</c> → <c>_1password</c>).
    /// </summary>
    private static string AttributePath(string segment) =>
        char.IsAsciiDigit(segment[0]) ? "_" + segment : segment;
}

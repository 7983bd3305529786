using System.Text.RegularExpressions;

namespace Nixery.Naming;

/// <summary>
/// The distribution spec's grammar for repository names and tags. Names and
/// tags are checked before anything is built, so that a request such as the
/// conformance suite's <c>.INVALID_MANIFEST_NAME</c> never reaches Nix.
/// </summary>
public static partial class DistributionGrammar
{
    /// <summary>Total length limit many registries and clients enforce on a repository name.</summary>
    public const int MaxNameLength = 255;

    [GeneratedRegex("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    public static bool IsValidName(string name) => name.Length <= MaxNameLength && NamePattern().IsMatch(name);

    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);
}

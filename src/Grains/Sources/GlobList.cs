using System.Text.RegularExpressions;

namespace Nixery.Sources;

/// <summary>
/// A list of shell-style patterns (<c>*</c> any run of characters, slashes
/// included; <c>?</c> one character) that a name must match one of, as in
/// <c>NIXERY_ALLOWED_REFS=refs/heads/main,refs/tags/v*</c>. The whole name
/// must match; an empty list matches nothing.
/// </summary>
public sealed class GlobList
{
    private readonly Regex[] _patterns;

    public GlobList(IEnumerable<string> patterns)
    {
        Patterns = patterns.Where(p => p.Length > 0).ToArray();
        _patterns = Patterns
            .Select(p => new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline))
            .ToArray();
    }

    public IReadOnlyList<string> Patterns { get; }

    public bool Matches(string name) => _patterns.Any(p => p.IsMatch(name));

    public override string ToString() => string.Join(",", Patterns);
}

using System.Globalization;

namespace Nixery.Configuration;

/// <summary>
/// One environment variable the registry reads: its name (Nixery's where
/// Nixery has one), the configuration key it sets (also settable in
/// appsettings.json), its default, what it means, and how its value is
/// checked at start.
/// </summary>
public sealed record EnvironmentVariable(
    string Name,
    string Key,
    DefaultValue Default,
    string Description,
    Func<string, string?> Check,
    bool IsList = false);

/// <summary>
/// A variable's default. A <see cref="Literal"/> one is read from the options
/// class that holds it (<see cref="EnvironmentVariables"/>' <c>Value</c>), so it is
/// written once; one computed at start (from another variable, the
/// environment) is described in words. Either is what the README's
/// configuration table shows, which a test checks.
/// </summary>
public sealed record DefaultValue(string Text, bool Literal)
{
    /// <summary>Words for a default computed at start, as the README shows them (or empty: no default).</summary>
    public static implicit operator DefaultValue(string words) => new(words, Literal: false);

    public static DefaultValue Of(object value) => new(value switch
    {
        bool b => b ? "true" : "false",
        IEnumerable<string> list => string.Join(",", list),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    }, Literal: true);

    /// <summary>The README's "Default" cell.</summary>
    public string ReadmeCell => Literal && Text.Length > 0 ? $"`{Text}`" : Text;
}

using System.Text.RegularExpressions;

namespace Nixery;

/// <summary>
/// Removes what a URL may carry as a secret, its user information and its
/// query string (tokens, signatures), from text shown to clients or logged:
/// <c>https://user:token@host/repo?sig=x</c> becomes <c>https://***@host/repo?***</c>.
/// Git and HTTP errors quote the URLs they failed on, so every such message
/// passes through here.
/// </summary>
public static partial class Redaction
{
    public const string Mask = "***";

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?<userinfo>[^/\s@'""<>]*@)?(?<rest>[^\s'""<>?#]*)(?<query>\?[^\s'""<>#]*)?")]
    private static partial Regex UrlPattern();

    public static string Text(string text) =>
        text.Contains("://", StringComparison.Ordinal)
            ? UrlPattern().Replace(text, m =>
                m.Groups["scheme"].Value
                + (m.Groups["userinfo"].Success ? Mask + "@" : "")
                + m.Groups["rest"].Value
                + (m.Groups["query"].Success ? "?" + Mask : ""))
            : text;

    public static string Url(Uri url) => Text(url.OriginalString);
}

using System.Text;

namespace Nixery.Storage;

/// <summary>
/// Document keys are paths of segments chosen by the registry (grain type,
/// state name, grain key). Segments are escaped so that any grain key is a
/// single safe file or object name.
/// </summary>
public static class DocumentKey
{
    public static string UnescapeSegment(string segment) => Uri.UnescapeDataString(segment);

    /// <summary>A key from the escaped segments it is stored under.</summary>
    public static string Unescape(string stored) => string.Join('/', stored.Split('/').Select(UnescapeSegment));

    public static string EscapeSegment(string segment)
    {
        var escaped = new StringBuilder(segment.Length);
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') escaped.Append(c);
            else escaped.Append('%').Append(b.ToString("X2"));
        }
        // "." and ".." are path navigation, never names.
        return escaped.ToString() is "." or ".." ? escaped.ToString().Replace(".", "%2E") : escaped.ToString();
    }
}

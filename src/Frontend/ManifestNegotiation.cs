using Microsoft.Extensions.Primitives;
using Nixery.Manifests;

namespace Nixery.Frontend;

/// <summary>
/// Chooses which manifest format to send from the Accept headers. Go
/// clients send one Accept line per type, so every header instance is read
/// and split on commas. Docker schema 2 is preferred whenever accepted, so
/// that an image keeps one digest however a client orders its types (docker
/// sends them in random order); OCI is sent to clients that accept only OCI.
/// Parsed over spans: it runs on every manifest request, cached or not.
/// </summary>
public static class ManifestNegotiation
{
    public static string Choose(IEnumerable<string?> acceptHeaders) => Choose(new StringValues(acceptHeaders.ToArray()));

    public static string Choose(StringValues acceptHeaders)
    {
        bool docker = false, oci = false;
        for (var i = 0; i < acceptHeaders.Count; i++)
        {
            var header = acceptHeaders[i].AsSpan();
            foreach (var range in header.Split(','))
            {
                var item = header[range].Trim();
                if (item.IsEmpty) continue;
                var semicolon = item.IndexOf(';');
                var type = (semicolon < 0 ? item : item[..semicolon]).Trim();
                if (semicolon >= 0 && ExcludedByQuality(item[(semicolon + 1)..])) continue;
                if (type.Equals(MediaTypes.DockerManifest, StringComparison.OrdinalIgnoreCase)) docker = true;
                else if (type.Equals(MediaTypes.OciManifest, StringComparison.OrdinalIgnoreCase)) oci = true;
            }
        }
        return docker || !oci ? MediaTypes.DockerManifest : MediaTypes.OciManifest;
    }

    /// <summary>A parameter <c>q=0</c> (spaces ignored; <c>0.0</c>, <c>0.00</c>, <c>0.000</c> too) means "not acceptable".</summary>
    private static bool ExcludedByQuality(ReadOnlySpan<char> parameters)
    {
        Span<char> compact = stackalloc char[8];
        foreach (var range in parameters.Split(';'))
        {
            var length = 0;
            foreach (var c in parameters[range].Trim())
            {
                if (c == ' ') continue;
                if (length == compact.Length) { length = -1; break; }
                compact[length++] = c;
            }
            if (length < 0) continue;
            if ((ReadOnlySpan<char>)compact[..length] is "q=0" or "q=0.0" or "q=0.00" or "q=0.000") return true;
        }
        return false;
    }
}

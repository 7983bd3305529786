using Nixery.Manifests;

namespace Nixery.Frontend;

/// <summary>
/// Chooses which manifest format to send from the Accept headers. Go
/// clients send one Accept line per type, so every header instance is read
/// and split on commas. Docker schema 2 is preferred whenever accepted, so
/// that an image keeps one digest however a client orders its types (docker
/// sends them in random order); OCI is sent to clients that accept only OCI.
/// </summary>
public static class ManifestNegotiation
{
    public static string Choose(IEnumerable<string?> acceptHeaders)
    {
        var accepted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in acceptHeaders)
        {
            if (header is null) continue;
            foreach (var item in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = item.Split(';', StringSplitOptions.TrimEntries);
                if (parts.Skip(1).Any(p => p.Replace(" ", "") is "q=0" or "q=0.0" or "q=0.00" or "q=0.000")) continue;
                accepted.Add(parts[0]);
            }
        }
        if (accepted.Contains(MediaTypes.DockerManifest)) return MediaTypes.DockerManifest;
        if (accepted.Contains(MediaTypes.OciManifest)) return MediaTypes.OciManifest;
        return MediaTypes.DockerManifest;
    }
}

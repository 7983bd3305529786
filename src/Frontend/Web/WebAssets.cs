using System.Collections.Frozen;

namespace Nixery.Frontend.Web;

/// <summary>
/// The page's scripts and style, embedded in this assembly (Web/Assets):
/// shipped with the registry, so a browser fetches nothing from elsewhere.
/// </summary>
public static class WebAssets
{
    public sealed record Asset(byte[] Content, string ContentType);

    private static readonly FrozenDictionary<string, Asset> All = Load();

    public static Asset? Find(string file) => All.GetValueOrDefault(file);

    private static FrozenDictionary<string, Asset> Load()
    {
        const string prefix = "Nixery.Web.";
        var assembly = typeof(WebAssets).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[prefix.Length..], n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                var type = Path.GetExtension(n) switch
                {
                    ".js" => "text/javascript; charset=utf-8",
                    ".css" => "text/css; charset=utf-8",
                    _ => "application/octet-stream",
                };
                return new Asset(buffer.ToArray(), type);
            });
    }
}

using System.Security.Cryptography;
using System.Text;
using Nixery.Packing;

namespace Nixery.Images;

/// <summary>
/// A layer's identity: its sorted store paths and the layer format. Store
/// paths are immutable and their names carry their content hash, so the same
/// set always packs to the same bytes and can be owned by one grain.
/// </summary>
public static class LayerKey
{
    public static string Of(IReadOnlyList<string> storePaths)
    {
        var text = new StringBuilder(LayerFormat.Id);
        foreach (var path in storePaths.Order(StringComparer.Ordinal)) text.Append('\n').Append(path);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

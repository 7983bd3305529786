using System.Security.Cryptography;
using System.Text;

namespace Nixery;

/// <summary>
/// A normalised image request: packages sorted and de-duplicated, the platform,
/// the pinned source revision and the recipe (layering and compression
/// settings) that decide the bytes of the image.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.ImageRequest")]
public sealed record ImageRequest(
    [property: Id(0)] IReadOnlyList<string> Packages,
    [property: Id(1)] Platform Platform,
    [property: Id(2)] SourceRevision Source,
    [property: Id(3)] string Recipe)
{
    /// <summary>
    /// The grain key: a hash over every input that changes the image. Fields
    /// are length-prefixed so that no two requests share an encoding (Nixery
    /// joined names without a separator and ignored the architecture).
    /// </summary>
    public string Key()
    {
        var text = new StringBuilder("image/v1");
        void Add(string value) => text.Append('\n').Append(value.Length).Append(':').Append(value);
        Add(Platform.NixSystem);
        Add(Platform.Architecture);
        Add(Source.Kind);
        Add(Source.Id);
        Add(Recipe);
        foreach (var package in Packages) Add(package);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

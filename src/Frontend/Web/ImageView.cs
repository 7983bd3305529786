namespace Nixery.Frontend.Web;

/// <summary>
/// An image as its web page draws it: plain data, serialised to JSON for the
/// page's script, which puts every string into the page as text.
/// </summary>
public sealed record ImageView(
    string Name,
    string Tag,
    string State,
    string? Revision,
    string? Architecture,
    IReadOnlyList<string> Packages,
    string? DockerDigest,
    string? OciDigest,
    string? SbomUrl,
    long CompressedSize,
    long StoreSize,
    IReadOnlyList<LayerView> Layers,
    string? Error,
    IReadOnlyList<string> MissingPackages,
    double? BuildingSeconds)
{
    public static ImageView Of(string name, string tag, ImageDetails details, DateTimeOffset now)
    {
        var image = details.Image;
        var contents = details.Layers.ToDictionary(l => l.Digest, l => l.Paths);
        var layers = image?.Layers.Select(l =>
        {
            var paths = contents.GetValueOrDefault(l.Digest) ?? [];
            return new LayerView(l.Digest.ToString(), l.Size, paths.Sum(p => p.Size), paths.Select(p => new PathView(p.Path, p.Size)).ToArray());
        }).ToArray() ?? [];
        return new ImageView(
            name,
            tag,
            details.State.ToString().ToLowerInvariant(),
            details.Request is { } request ? $"{request.Source.Kind}:{request.Source.Id}" : null,
            details.Request?.Platform.Architecture,
            details.Request?.Packages ?? [],
            image?.Docker.Digest.ToString(),
            image?.Oci.Digest.ToString(),
            image is null ? null : $"/v2/{name}/referrers/{image.Oci.Digest}",
            layers.Sum(l => l.Size),
            layers.Sum(l => l.StoreSize),
            layers,
            details.Error?.Message,
            details.Error?.MissingPackages ?? [],
            details.BuildStarted is { } started ? Math.Max(0, (now - started).TotalSeconds) : null);
    }

    /// <summary>A request that never reached an image grain (bad name, unknown tag).</summary>
    public static ImageView Failed(string name, string tag, BuildError error) =>
        new(name, tag, "failed", null, null, [], null, null, null, 0, 0, [], error.Message, error.MissingPackages, null);
}

public sealed record LayerView(string Digest, long Size, long StoreSize, IReadOnlyList<PathView> Paths);

public sealed record PathView(string Path, long Size);

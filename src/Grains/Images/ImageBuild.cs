using Nixery.Layering;

namespace Nixery.Images;

/// <summary>A built image and what each of its layers holds (for the image's web page).</summary>
public sealed record ImageBuild(BuiltImage Image, IReadOnlyList<LayerContents> Layers)
{
    /// <summary>
    /// The store paths of each store-path layer, with their sizes from the
    /// closure; the layers after the groups (the customisation layer) hold none.
    /// </summary>
    public static IReadOnlyList<LayerContents> Contents(IReadOnlyList<LayerGroup> groups, ClosureGraph graph, IReadOnlyList<LayerDescriptor> layers) =>
        layers.Select((layer, i) => new LayerContents(layer.Digest, i < groups.Count
            ? groups[i].Paths.Select(p => new StorePathSize(p, graph.Paths.TryGetValue(p, out var info) ? info.NarSize : 0)).ToArray()
            : [])).ToArray();
}

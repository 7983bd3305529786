using Microsoft.Extensions.Options;
using Nixery.Layering;
using Nixery.Packing;

namespace Nixery.Images;

/// <summary>
/// Everything besides packages and source that decides an image's bytes: the
/// layer format, the layering strategy and its budget, the popularity data.
/// It is part of every image key, so changing any of them builds new images
/// instead of serving manifests made under the old settings.
/// </summary>
public sealed class ImageRecipe(IOptions<LayeringOptions> layering, PopularitySource popularity)
{
    /// <summary>Bumped whenever the image config or customisation layer format changes.</summary>
    public const string ImageFormat = "image-v1";

    public string Describe() =>
        $"{ImageFormat};{LayerFormat.Id};layering={layering.Value.Strategy};budget={layering.Value.Budget};popularity={popularity.Fingerprint}";
}

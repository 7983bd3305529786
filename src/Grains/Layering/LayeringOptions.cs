namespace Nixery.Layering;

/// <summary>How closures are grouped into layers.</summary>
public sealed class LayeringOptions
{
    /// <summary><c>NIXERY_LAYERING</c>: the strategy's name.</summary>
    public string Strategy { get; set; } = LayeringStrategies.DefaultName;

    /// <summary><c>NIXERY_LAYER_BUDGET</c>: most store-path layers per image (the customisation layer comes on top).</summary>
    public int Budget { get; set; } = LayeringStrategies.DefaultBudget;

    /// <summary><c>NIX_POPULARITY_URL</c>: popularity data in Nixery's format, fetched once at start.</summary>
    public string? PopularityUrl { get; set; }

    /// <summary><c>NIXERY_POPULARITY_FILE</c>: the same data from a local file.</summary>
    public string? PopularityFile { get; set; }
}

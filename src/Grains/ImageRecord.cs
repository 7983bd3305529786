namespace Nixery;

/// <summary>What an image grain keeps: the request it was built for and the finished image.</summary>
[GenerateSerializer, Alias("nixery.ImageRecord")]
public sealed class ImageRecord
{
    [Id(0)] public ImageRequest? Request { get; set; }
    [Id(1)] public BuiltImage? Image { get; set; }

    /// <summary>When the image was last pulled (to within an hour): garbage collection expires images unused for long.</summary>
    [Id(2)] public DateTimeOffset LastPulled { get; set; }

    /// <summary>Each layer's store paths and their sizes, for the image's web page (not in older records).</summary>
    [Id(3)] public IReadOnlyList<LayerContents>? Layers { get; set; }
}

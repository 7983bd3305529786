namespace Nixery;

/// <summary>What a layer grain keeps: where its blob is.</summary>
[GenerateSerializer, Alias("nixery.LayerRecord")]
public sealed class LayerRecord
{
    [Id(0)] public LayerDescriptor? Layer { get; set; }
    [Id(1)] public int StorePaths { get; set; }
}

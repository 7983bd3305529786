namespace Nixery;

/// <summary>
/// Owns one layer, keyed by a hash of its sorted store paths and format:
/// packs it once per cluster and remembers where its blob is.
/// </summary>
[Alias("nixery.ILayerGrain")]
public interface ILayerGrain : IGrainWithStringKey
{
    [Alias("Get"), ResponseTimeout("02:00:00")]
    Task<LayerResult> Get(LayerSpec spec, CancellationToken cancellation = default);
}

/// <summary>The store paths of one layer, sorted.</summary>
[GenerateSerializer, Immutable, Alias("nixery.LayerSpec")]
public sealed record LayerSpec([property: Id(0)] IReadOnlyList<string> StorePaths);

[GenerateSerializer, Immutable, Alias("nixery.LayerResult")]
public sealed record LayerResult(
    [property: Id(0)] LayerDescriptor? Layer,
    [property: Id(1)] BuildError? Error);

namespace Nixery;

/// <summary>
/// Owns one layer, keyed by a hash of its sorted store paths and format:
/// packs it once per cluster and remembers where its blob is.
/// </summary>
[Alias("nixery.ILayerGrain")]
public interface ILayerGrain : IGrainWithStringKey
{
    /// <summary>The layer, packing it first if needed; null while packing takes longer than <paramref name="maxWait"/> (callers poll).</summary>
    [Alias("Await"), ResponseTimeout("00:00:15")]
    Task<LayerResult?> Await(LayerSpec spec, TimeSpan maxWait, CancellationToken cancellation = default);

    /// <summary>Remembers a layer a caller packed itself because this grain's silo lacks its store paths.</summary>
    [Alias("Record")]
    Task Record(LayerDescriptor layer);
}

/// <summary>The store paths of one layer, sorted.</summary>
[GenerateSerializer, Immutable, Alias("nixery.LayerSpec")]
public sealed record LayerSpec([property: Id(0)] IReadOnlyList<string> StorePaths);

/// <summary>
/// A packed layer, an error, or <see cref="PathsNotLocal"/>: the grain lives
/// on a silo whose Nix store lacks the paths (each machine has its own
/// store), so the caller, whose store has just built them, packs the layer.
/// </summary>
[GenerateSerializer, Immutable, Alias("nixery.LayerResult")]
public sealed record LayerResult(
    [property: Id(0)] LayerDescriptor? Layer,
    [property: Id(1)] BuildError? Error,
    [property: Id(2)] bool PathsNotLocal = false);

using Nixery.Layering;

namespace Nixery.Images;

/// <summary>
/// The cross-silo layer hand-off. Each layer is owned by one
/// <see cref="ILayerGrain"/> in the cluster, which packs it on its own silo.
/// That silo's Nix store may lack the paths (every machine has its own store,
/// and the grain may live where they were never built): the grain then
/// answers <see cref="LayerResult.PathsNotLocal"/>, the building silo, whose
/// store has just realised them, packs the layer itself and hands the result
/// to the grain with <see cref="ILayerGrain.Record"/>, so later images find it.
/// </summary>
public sealed class ClusterLayerSource(IGrainFactory grains, LayerPublisher publisher) : ILayerSource
{
    public async Task<LayerDescriptor> GetAsync(LayerGroup group, CancellationToken cancellation)
    {
        var grain = grains.GetGrain<ILayerGrain>(LayerKey.Of(group.Paths));
        var spec = new LayerSpec(group.Paths);
        var result = await GrainPolling.PollAsync(token => grain.Await(spec, GrainPolling.PollWait, token), cancellation);
        if (result.PathsNotLocal)
        {
            // Packing is CPU work: off the grain's scheduler.
            var layer = await Task.Run(() => publisher.PublishStorePathsAsync(group.Paths, cancellation), cancellation);
            await grain.Record(layer);
            return layer;
        }
        return result.Layer ?? throw new BuildFailedException(result.Error ?? BuildError.Of(BuildErrorKind.Internal, "layer failed without an error"));
    }
}

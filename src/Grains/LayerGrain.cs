using Microsoft.Extensions.Logging;
using Nixery.Images;
using Nixery.Metrics;
using Nixery.Storage;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Nixery;

/// <summary>
/// Coordinates one layer: packs its store paths once per cluster and keeps
/// where the blob is. Placed on the silo of the first caller, because that
/// silo's Nix store holds the paths it has just built.
/// </summary>
[Reentrant, PreferLocalPlacement]
public sealed class LayerGrain(
    [PersistentState("layer", StorageNames.Registry)] IPersistentState<LayerRecord> record,
    LayerPublisher publisher,
    IBlobStore store,
    RegistryMetrics metrics,
    ILogger<LayerGrain> logger) : Grain, ILayerGrain
{
    private Task<LayerResult>? _build;
    private bool _blobVerified;

    public async Task<LayerResult?> Await(LayerSpec spec, TimeSpan maxWait, CancellationToken cancellation)
    {
        if (record.State.Layer is { } layer)
        {
            if (_blobVerified || await store.SizeAsync(layer.Digest, CancellationToken.None) is not null)
            {
                _blobVerified = true;
                metrics.LayerCache(hit: true);
                return new LayerResult(layer, null);
            }
            logger.LogWarning("layer {LayerKey} lost blob {Digest}; packing it again", this.GetPrimaryKeyString(), layer.Digest);
        }
        if (LayerKey.Of(spec.StorePaths) != this.GetPrimaryKeyString())
            return new LayerResult(null, BuildError.Of(BuildErrorKind.Internal, "the store paths do not belong to this layer"));

        if (_build is null)
        {
            metrics.LayerCache(hit: false);
            _build = PackAsync(spec);
        }
        try
        {
            return await _build.WaitAsync(maxWait, cancellation);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async Task Record(LayerDescriptor layer)
    {
        if (record.State.Layer is { } known && await store.SizeAsync(known.Digest, CancellationToken.None) is not null) return;
        if (await store.SizeAsync(layer.Digest, CancellationToken.None) != layer.Size)
            throw new InvalidOperationException($"layer blob {layer.Digest} is not in storage");
        record.State = new LayerRecord { Layer = layer, StorePaths = record.State.StorePaths };
        await record.WriteStateAsync();
        _blobVerified = true;
    }

    private async Task<LayerResult> PackAsync(LayerSpec spec)
    {
        await Task.Yield();
        try
        {
            // Packing is CPU work: off the grain's scheduler.
            var layer = await Task.Run(() => publisher.PublishStorePathsAsync(spec.StorePaths, CancellationToken.None));
            record.State = new LayerRecord { Layer = layer, StorePaths = spec.StorePaths.Count };
            await record.WriteStateAsync();
            _blobVerified = true;
            return new LayerResult(layer, null);
        }
        catch (StorePathMissingException e)
        {
            logger.LogInformation("layer {LayerKey}: {Path} is not in this silo's store; the caller packs it", this.GetPrimaryKeyString(), e.StorePath);
            return new LayerResult(null, null, PathsNotLocal: true);
        }
        catch (BuildFailedException e)
        {
            return new LayerResult(null, e.Error);
        }
        catch (Exception e)
        {
            logger.LogError(e, "layer {LayerKey} failed", this.GetPrimaryKeyString());
            return new LayerResult(null, BuildError.Of(BuildErrorKind.Internal, $"could not pack a layer: {e.Message}"));
        }
        finally
        {
            _build = null;
        }
    }
}

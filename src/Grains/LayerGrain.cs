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
    /// <summary>A malformed key fails the activation, before any method touches storage or the file system.</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        GrainKeyGuard.Require(this.GetPrimaryKeyString());
        return base.OnActivateAsync(cancellationToken);
    }

    private readonly SharedBuild<LayerResult> _build = new();
    private readonly StateWrites _writes = new();

    public async Task<LayerResult?> Await(LayerSpec spec, TimeSpan maxWait, CancellationToken cancellation)
    {
        // Checked on every request, not once per activation: garbage
        // collection may remove a layer no image needs any more, and the
        // next image that wants it must get it packed again.
        if (record.State.Layer is { } layer)
        {
            if (await store.SizeAsync(layer.Digest, CancellationToken.None) is not null)
            {
                metrics.LayerCache(hit: true);
                return new LayerResult(layer, null);
            }
            logger.LogWarning("layer {LayerKey} lost blob {Digest}; packing it again", this.GetPrimaryKeyString(), layer.Digest);
        }
        if (GrainKeyGuard.Mismatch(LayerKey.Of(spec.StorePaths), this.GetPrimaryKeyString(), "store paths") is { } foreign)
            return new LayerResult(null, foreign);

        return await _build.JoinAsync(() => PackAsync(spec), maxWait, cancellation, () => metrics.LayerCache(hit: false));
    }

    /// <summary>Several silos that packed the layer themselves may report it at once; the first report stands.</summary>
    public Task Record(LayerDescriptor layer) => _writes.RunAsync(async () =>
    {
        if (record.State.Layer is { } known && await store.SizeAsync(known.Digest, CancellationToken.None) is not null) return;
        if (await store.SizeAsync(layer.Digest, CancellationToken.None) != layer.Size)
            throw new InvalidOperationException($"layer blob {layer.Digest} is not in storage");
        record.State = new LayerRecord { Layer = layer, StorePaths = record.State.StorePaths };
        await record.WriteStateAsync();
    });

    private async Task<LayerResult> PackAsync(LayerSpec spec)
    {
        try
        {
            // Packing is CPU work: off the grain's scheduler.
            var layer = await Task.Run(() => publisher.PublishStorePathsAsync(spec.StorePaths, CancellationToken.None));
            await _writes.RunAsync(() =>
            {
                record.State = new LayerRecord { Layer = layer, StorePaths = spec.StorePaths.Count };
                return record.WriteStateAsync();
            });
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
        catch (Exception e) when (BlobStoreException.Within(e) is { } storage)
        {
            // The layer's state could not be recorded: the service failed, not the image (503, not 500).
            logger.LogWarning("layer {LayerKey} failed: {Message}", this.GetPrimaryKeyString(), storage.Message);
            return new LayerResult(null, BuildError.Of(BuildErrorKind.StorageFailed, $"storage failed: {storage.Message}"));
        }
        catch (Exception e)
        {
            logger.LogError(e, "layer {LayerKey} failed", this.GetPrimaryKeyString());
            return new LayerResult(null, BuildError.Internal("could not pack a layer", e));
        }
    }
}

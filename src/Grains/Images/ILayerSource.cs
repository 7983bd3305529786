using Nixery.Layering;

namespace Nixery.Images;

/// <summary>Where an image build gets the blob of one store-path layer (in the silo: the layer's grain).</summary>
public interface ILayerSource
{
    Task<LayerDescriptor> GetAsync(LayerGroup group, CancellationToken cancellation);
}

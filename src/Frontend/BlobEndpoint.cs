using Microsoft.AspNetCore.Http;
using Nixery.Naming;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET/HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>, straight from storage:
/// blob bytes never pass through a grain. Every image shares one blob store,
/// so the repository name only has to be well-formed. A blob named by a
/// manifest this process serves from its cache is known to exist, so object
/// storage redirects to it without a request to storage. A blob that a cached
/// image names but storage has lost is stored again by that image's grain
/// before it is served; the lookup happens only on a miss, so a blob that is
/// there costs what it did.
/// </summary>
public sealed class BlobEndpoint(IBlobStore store, ManifestCache cache, IGrainFactory grains)
{
    public async Task<IResult> GetAsync(HttpContext context, RegistryRoute.Blob route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        if (!Digest.TryParse(route.Digest, out var digest)) return RegistryError.DigestInvalid(route.Digest);
        var location = cache.TryGetBlobSize(digest, out var size) ? await store.LocateKnownAsync(digest, size, context.RequestAborted) : null;
        if (location is null)
        {
            location = await store.LocateAsync(digest, context.RequestAborted) ?? await RepairAsync(digest, context.RequestAborted);
            if (location is not null) cache.BlobFound(digest);
        }
        return location is null ? RegistryError.BlobUnknown(digest.ToString()) : new BlobResult(digest, location);
    }

    private async Task<BlobLocation?> RepairAsync(Digest digest, CancellationToken cancellation)
    {
        if (await grains.GetGrain<IImageIndexGrain>(0).ImageNaming(digest) is not { } image) return null;
        var repaired = await GrainPolling.PollAsync(token => grains.GetGrain<IImageGrain>(image).Repair(digest, GrainPolling.PollWait, token), cancellation);
        return repaired.Image is null ? null : await store.LocateAsync(digest, cancellation);
    }
}

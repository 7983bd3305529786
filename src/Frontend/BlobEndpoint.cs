using Microsoft.AspNetCore.Http;
using Nixery.Naming;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET/HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>, straight from storage:
/// blob bytes never pass through a grain. Every image shares one blob store,
/// so the repository name only has to be well-formed. A blob named by a
/// manifest this process serves from its cache is known to exist, so object
/// storage redirects to it without a request to storage.
/// </summary>
public sealed class BlobEndpoint(IBlobStore store, ManifestCache cache)
{
    public async Task<IResult> GetAsync(HttpContext context, RegistryRoute.Blob route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        if (!Digest.TryParse(route.Digest, out var digest)) return RegistryError.DigestInvalid(route.Digest);
        var location = (cache.TryGetBlobSize(digest, out var size) ? await store.LocateKnownAsync(digest, size, context.RequestAborted) : null)
            ?? await store.LocateAsync(digest, context.RequestAborted);
        return location is null ? RegistryError.BlobUnknown(digest.ToString()) : new BlobResult(digest, location);
    }
}

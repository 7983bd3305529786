using Microsoft.AspNetCore.Http;
using Nixery.Manifests;
using Nixery.Naming;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (distribution-spec 1.1):
/// an OCI image index of the artifacts whose subject is the manifest, here
/// the SBOM of an image, under the Docker and the OCI manifest digest alike.
/// A manifest nothing refers to, or that does not exist, gives an empty
/// index, never 404; <c>artifactType</c> filters, and the response then says
/// so with <c>OCI-Filters-Applied</c>.
/// </summary>
public sealed class ReferrersEndpoint(IBlobStore store)
{
    public async Task<IResult> GetAsync(HttpContext context, RegistryRoute.Referrers route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        if (!Digest.TryParse(route.Digest, out var digest)) return RegistryError.DigestInvalid(route.Digest);
        var artifactType = context.Request.Query["artifactType"].ToString();
        var filtered = artifactType.Length > 0;
        var index = await Referrers.IndexAsync(store, digest, filtered ? artifactType : null, context.RequestAborted);
        if (filtered) context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        return Results.Bytes(index, MediaTypes.OciIndex);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Manifests;
using Nixery.Naming;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET/HEAD /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>. A tag resolves
/// to an image request and asks that image's grain, which builds it once for
/// every caller; a digest is served from storage, exactly as stored.
/// </summary>
public sealed class ManifestEndpoint(IGrainFactory grains, IBlobStore store, ILogger<ManifestEndpoint> logger)
{
    /// <summary>Manifests of ours are a few KiB; anything larger is not one.</summary>
    private const long MaxManifestSize = 4 * 1024 * 1024;

    public async Task<IResult> GetAsync(HttpContext context, RegistryRoute.Manifest route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        if (route.Reference.Contains(':')) return await ByDigestAsync(route, context.RequestAborted);
        if (!DistributionGrammar.IsValidTag(route.Reference))
            return RegistryError.ManifestUnknown($"invalid tag '{route.Reference}'", new { name = route.Name, tag = route.Reference });

        var resolved = await grains.GetGrain<IResolverGrain>(0).Resolve(route.Name, route.Reference);
        if (resolved.Request is null) return ErrorFor(resolved.Error!, route);

        var request = resolved.Request;
        if (RegistryAuthorization.MayBuild(context) is { Allowed: false } permission && !await ExistsAsync(request))
        {
            var message = $"'{route.Name}:{route.Reference}' is not built yet and this client may not start builds";
            return permission.Anonymous
                ? RegistryError.Unauthorized(message + "; sign in to build it",
                    context.RequestServices.GetRequiredService<RegistryAccess>().Challenge(context.Request, Access.ResourceScope.PullOf(route.Name)))
                : RegistryError.Denied(message, new { name = route.Name, tag = route.Reference });
        }
        // The request's abort token only ends this caller's wait; the build
        // itself goes on in the grain for everyone else who wants the image.
        var result = await grains.GetImageAsync(request, context.RequestAborted);
        if (result.Image is not { } image) return ErrorFor(result.Error!, route);

        var mediaType = ManifestNegotiation.Choose(context.Request.Headers.Accept);
        return new ManifestResult(mediaType == MediaTypes.OciManifest ? image.Oci : image.Docker);
    }

    /// <summary>Built, or being built by someone who may: joining a build starts nothing.</summary>
    private async Task<bool> ExistsAsync(ImageRequest request)
    {
        var status = await grains.GetGrain<IImageGrain>(request.Key()).Status();
        return status.State is ImageState.Built or ImageState.Building;
    }

    private async Task<IResult> ByDigestAsync(RegistryRoute.Manifest route, CancellationToken cancellation)
    {
        if (!Digest.TryParse(route.Reference, out var digest)) return RegistryError.DigestInvalid(route.Reference);
        var content = await store.ReadAsync(digest, MaxManifestSize, cancellation);
        var mediaType = content is null ? null : ImageManifest.MediaTypeOf(content);
        if (content is null || mediaType is null)
            return RegistryError.ManifestUnknown($"manifest unknown: {digest}", new { name = route.Name, digest = digest.ToString() });
        return new ManifestResult(new ManifestDocument(mediaType, digest, content));
    }

    private RegistryError ErrorFor(BuildError error, RegistryRoute.Manifest route)
    {
        var detail = new { name = route.Name, tag = route.Reference, packages = error.MissingPackages };
        switch (error.Kind)
        {
            case BuildErrorKind.PackagesNotFound:
            case BuildErrorKind.UnknownRevision:
                return RegistryError.ManifestUnknown(error.Message, detail);
            case BuildErrorKind.BuildFailed:
                // The image cannot exist as asked; clients show the message,
                // which names the failed derivation and its log.
                return RegistryError.ManifestUnknown($"image build failed: {error.Message}", detail);
            case BuildErrorKind.TimedOut:
            case BuildErrorKind.SourceUnavailable:
                return RegistryError.Unavailable(error.Message);
            default:
                logger.LogError("building {Name}:{Tag} failed: {Message}", route.Name, route.Reference, error.Message);
                return RegistryError.Internal(error.Message);
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Manifests;
using Nixery.Metrics;
using Nixery.Naming;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// <c>GET/HEAD /v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>. A tag resolves
/// to an image request and asks that image's grain, which builds it once for
/// every caller; a digest is served from storage, exactly as stored. Both
/// are answered from the <see cref="ManifestCache"/> when it may.
/// </summary>
public sealed class ManifestEndpoint(ImageLookup lookup, ManifestCache cache, BuildGate gate, IBlobStore store, RegistryMetrics metrics, ILogger<ManifestEndpoint> logger)
{
    /// <summary>Manifests of ours are a few KiB; anything larger is not one.</summary>
    private const long MaxManifestSize = 4 * 1024 * 1024;

    public async ValueTask<IResult> GetAsync(HttpContext context, RegistryRoute.Manifest route)
    {
        if (!DistributionGrammar.IsValidName(route.Name)) return RegistryError.NameInvalid(route.Name);
        if (route.Reference.Contains(':')) return await ByDigestAsync(route, context.RequestAborted);
        if (!DistributionGrammar.IsValidTag(route.Reference))
            return RegistryError.ManifestUnknown($"invalid tag '{route.Reference}'", new { name = route.Name, tag = route.Reference });

        var mediaType = ManifestNegotiation.Choose(context.Request.Headers.Accept);
        if (cache.TryGet(route.Name, route.Reference, out var cached))
        {
            // Answered from a built image, as the grain's own hits are: the metric counts hits wherever they happen.
            metrics.ManifestCache(hit: true);
            return cached.For(mediaType).Result;
        }

        var epoch = await cache.EpochForFillAsync();
        var resolved = await lookup.ResolveAsync(route.Name, route.Reference, context.RequestAborted);
        if (resolved.Request is null) return ErrorFor(resolved.Error!, route);
        var permission = RegistryAuthorization.MayBuild(context);
        switch (await gate.CheckAsync(resolved.Request, permission.Allowed, context.Connection.RemoteIpAddress))
        {
            case BuildGate.Refusal.MayNotBuild:
                var message = $"'{route.Name}:{route.Reference}' is not built yet and this client may not start builds";
                return permission.Anonymous
                    ? RegistryError.Unauthorized(message + "; sign in to build it",
                        context.RequestServices.GetRequiredService<RegistryAccess>().Challenge(context.Request, Access.ResourceScope.PullOf(route.Name)))
                    : RegistryError.Denied(message, new { name = route.Name, tag = route.Reference });
            case BuildGate.Refusal.TooManyBuilds:
                return RegistryError.TooManyRequests(
                    $"this client started more than {gate.BuildsPerMinute} builds in a minute (NIXERY_COLD_BUILDS_PER_CLIENT); try again later");
        }
        var found = await lookup.AwaitAsync(resolved, context.RequestAborted);
        if (found.Image is not { } image) return ErrorFor(found.Error!, route);
        var prepared = new PreparedImage(image);
        if (epoch is { } number) cache.Add(route.Name, route.Reference, prepared, resolved.Request, found.Lifetime, number);
        return prepared.For(mediaType).Result;
    }

    private async ValueTask<IResult> ByDigestAsync(RegistryRoute.Manifest route, CancellationToken cancellation)
    {
        if (!Digest.TryParse(route.Reference, out var digest)) return RegistryError.DigestInvalid(route.Reference);
        if (cache.TryGet(digest, out var cached)) return cached.Result;

        var epoch = await cache.EpochForFillAsync();
        var content = await store.ReadAsync(digest, MaxManifestSize, cancellation);
        var mediaType = content is null ? null : ImageManifest.MediaTypeOf(content);
        if (content is null || mediaType is null)
            return RegistryError.ManifestUnknown($"manifest unknown: {digest}", new { name = route.Name, digest = digest.ToString() });
        var prepared = new PreparedManifest(new ManifestDocument(mediaType, digest, content));
        if (epoch is { } number) cache.Add(prepared, number);
        return prepared.Result;
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
            case BuildErrorKind.Busy:
                return RegistryError.TooManyRequests(error.Message);
            case BuildErrorKind.TooLarge:
                return RegistryError.Denied(error.Message, detail);
            case BuildErrorKind.TimedOut:
            case BuildErrorKind.SourceUnavailable:
            case BuildErrorKind.StorageFailed:
                return RegistryError.Unavailable(error.Message);
            default:
                logger.LogError("building {Name}:{Tag} failed: {Message}", route.Name, route.Reference, error.Message);
                return RegistryError.Internal(error.Message);
        }
    }
}

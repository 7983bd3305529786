using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Nixery.Metrics;
using Nixery.Storage;
using Orleans.Runtime;

namespace Nixery.Frontend;

/// <summary>
/// The registry API (distribution spec, pull side) in one route table. Read
/// methods go to one endpoint class per resource; every write method is
/// refused with a JSON error; every response carries the API version header.
/// </summary>
public static class RegistryEndpoints
{
    public static IServiceCollection AddRegistryFrontend(this IServiceCollection services)
    {
        services.AddSingleton<ImageLookup>();
        services.AddSingleton<BuildGate>();
        services.AddSingleton<ManifestCache>();
        services.AddSingleton<ManifestEndpoint>();
        services.AddSingleton(sp => new ColdBuildLimiter(
            Hosting.RegistryHost.Registry(sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()).ColdBuildsPerClient));
        services.AddSingleton<BlobEndpoint>();
        services.AddSingleton<TagsEndpoint>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<ReferrersEndpoint>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RegistryAccess>();
        return services;
    }

    /// <summary>
    /// The registry's HTTP surface, in the order it must run: the API under
    /// <c>/v2</c> ahead of endpoint routing, then routing, and the token
    /// endpoint (<c>/token</c>). Endpoints mapped after this call (metrics,
    /// pages) are routed as usual. The API's paths are parsed by
    /// <see cref="RegistryRoute"/> anyway: matching them as a catch-all route
    /// first cost a route value dictionary and strings on every request, half
    /// of what a warm manifest GET allocated (measured with dotnet-trace).
    /// </summary>
    public static WebApplication UseRegistry(this WebApplication app)
    {
        // Resolved once: the hot path does no service lookups.
        var resources = new Resources(app.Services);
        app.Use(next => context =>
        {
            // Literal segments of routes match case-insensitively; /V2/ kept working as it did as a route.
            var path = context.Request.Path.Value ?? "";
            if (path.Length == 3 && path.Equals("/v2", StringComparison.OrdinalIgnoreCase)) return DispatchAsync(context, new RegistryRoute.Base(), resources);
            if (path.StartsWith("/v2/", StringComparison.OrdinalIgnoreCase)) return DispatchAsync(context, RegistryRoute.Parse(path.AsSpan(4)), resources);
            return next(context);
        });
        // Explicit, after the API: left implicit, routing would run first, for every request.
        app.UseRouting();
        app.MapGet("/token", (HttpContext context, TokenEndpoint tokens) => tokens.GetAsync(context));
        app.MapPost("/token", (HttpContext context, TokenEndpoint tokens) => tokens.PostAsync(context)).DisableAntiforgery();
        return app;
    }

    private sealed class Resources(IServiceProvider services)
    {
        public ManifestEndpoint Manifests { get; } = services.GetRequiredService<ManifestEndpoint>();
        public BlobEndpoint Blobs { get; } = services.GetRequiredService<BlobEndpoint>();
        public TagsEndpoint Tags { get; } = services.GetRequiredService<TagsEndpoint>();
        public ReferrersEndpoint Referrers { get; } = services.GetRequiredService<ReferrersEndpoint>();
        public RegistryMetrics Metrics { get; } = services.GetRequiredService<RegistryMetrics>();
        public RegistryAccess Access { get; } = services.GetRequiredService<RegistryAccess>();
    }

    private static async Task DispatchAsync(HttpContext context, RegistryRoute route, Resources resources)
    {
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        IResult result;
        try
        {
            // Authorization first: the manifest cache answers only requests that got past it.
            result = await RegistryAuthorization.CheckAsync(context, route, resources.Access) ?? await RouteAsync(context, route, resources);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the build it asked for goes on in its grain.
            return;
        }
        catch (Exception e) when (IsClusterUnavailable(e) || e is ArgumentException && KnowsNoSilo(context))
        {
            Logger(context).LogWarning(e, "cluster unavailable for {Path}", context.Request.Path);
            result = RegistryError.Unavailable("no build silo is reachable; try again shortly");
        }
        catch (Exception e) when (BlobStoreException.Within(e) is { } storage)
        {
            // The storage service failed or refused (throttling, outage, credentials): retryable, not a
            // registry bug; also when a grain could not read its state from it.
            Logger(context).LogWarning(e, "storage failed for {Path}", context.Request.Path);
            result = RegistryError.Unavailable(storage.Message);
        }
        catch (Exception e)
        {
            Logger(context).LogError(e, "request for {Path} failed", context.Request.Path);
            result = RegistryError.Internal($"internal error: {ExceptionText.FirstLine(e)}");
        }
        await result.ExecuteAsync(context);
        resources.Metrics.Request(RouteName(route), context.Request.Method, context.Response.StatusCode);
    }

    private static string RouteName(RegistryRoute route) => route switch
    {
        RegistryRoute.Base => "base",
        RegistryRoute.Manifest { Reference: var reference } => reference.Contains(':') ? "manifest_digest" : "manifest_tag",
        RegistryRoute.Blob => "blob",
        RegistryRoute.Tags => "tags",
        RegistryRoute.Upload => "upload",
        RegistryRoute.Referrers => "referrers",
        _ => "unknown",
    };

    private static async ValueTask<IResult> RouteAsync(HttpContext context, RegistryRoute route, Resources resources)
    {
        var method = context.Request.Method;
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        return route switch
        {
            RegistryRoute.Unknown unknown => RegistryError.NotFound("/v2/" + unknown.Path),
            _ when !reading => RegistryError.ReadOnly(method),
            RegistryRoute.Base => Results.Json(new { }),
            RegistryRoute.Manifest manifest => await resources.Manifests.GetAsync(context, manifest),
            RegistryRoute.Blob blob => await resources.Blobs.GetAsync(context, blob),
            RegistryRoute.Tags tags => await resources.Tags.GetAsync(context, tags),
            RegistryRoute.Referrers referrers => await resources.Referrers.GetAsync(context, referrers),
            RegistryRoute.Upload upload => new RegistryError(StatusCodes.Status404NotFound, "BLOB_UPLOAD_UNKNOWN", "there are no uploads: this registry is read-only", new { name = upload.Name }),
            _ => RegistryError.NotFound(context.Request.Path),
        };
    }

    /// <summary>No silo answers, or none answered in time (GrainPolling): retryable, the client asks again.</summary>
    private static bool IsClusterUnavailable(Exception e) => GrainPolling.IsTransient(e);

    /// <summary>
    /// A frontend that never reached a gateway has no cluster manifest (only the placeholder of the
    /// lowest version, holding the client's own types), so Orleans cannot even make a grain reference
    /// ("Could not find an implementation for interface …", an ArgumentException): the cluster is
    /// unavailable, not the request wrong.
    /// </summary>
    private static bool KnowsNoSilo(HttpContext context) =>
        context.RequestServices.GetService<IClusterManifestProvider>() is { } manifest && manifest.Current.Version == Orleans.Metadata.MajorMinorVersion.MinValue;

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Nixery.Frontend.Registry");
}

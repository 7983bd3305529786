using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Configuration;
using Nixery.Naming;

namespace Nixery.Frontend.Web;

/// <summary>
/// What the page's scripts ask: package search (answered by the revision's
/// catalogue grain), and an image's build as server-sent events, fed by its
/// image grain. Only metadata travels; blobs never go through here.
/// </summary>
public static class WebApi
{
    private const int SearchLimit = 50;

    /// <summary>No script, style or connection from anywhere but this registry; no inline script at all.</summary>
    private const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IServiceCollection AddWebPages(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebOptions>(configuration.GetSection("Nixery:Web"));
        return services;
    }

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            return await next(context);
        });
        pages.MapGet("/", WebPages.Index);
        pages.MapGet("/image/{**name}", WebPages.Image);
        pages.MapGet("/builds", WebPages.Builds).RequireOperator();
        pages.MapGet("/ui/assets/{file}", Asset);
        pages.MapGet("/ui/search", SearchAsync);
        pages.MapGet("/ui/events/{**name}", EventsAsync);
        return app;
    }

    private static IResult Asset(string file) =>
        WebAssets.Find(file) is { } asset ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound();

    /// <summary><c>GET /ui/search?q=&amp;tag=&amp;arch=</c>: the best matches in the tag's revision.</summary>
    private static async Task<IResult> SearchAsync(HttpContext context, IGrainFactory grains, string? q, string? tag, string? arch)
    {
        tag = string.IsNullOrEmpty(tag) ? "latest" : tag;
        if (!WebAccess.MaySearch(context)) return WebAccess.Refusal(context);
        var platform = arch == "arm64" ? Platform.Arm64 : Platform.Amd64;
        // The resolver only needs some valid name to resolve the tag.
        var resolved = await grains.GetGrain<IResolverGrain>(0).Resolve(platform == Platform.Arm64 ? "arm64/hello" : "hello", tag);
        if (resolved.Request is not { } request)
            return Results.Json(new { state = "failed", error = resolved.Error?.Message, results = Array.Empty<object>() }, Json, statusCode: 404);
        var catalogue = grains.GetGrain<ICatalogueGrain>(CatalogueKey.Of(request.Source, platform.NixSystem));
        var search = await catalogue.Search(request.Source, platform.NixSystem, q ?? "", SearchLimit);
        return Results.Json(new
        {
            state = search.State.ToString().ToLowerInvariant(),
            revision = $"{request.Source.Kind}:{request.Source.Id}",
            packages = search.Packages,
            matches = search.Matches,
            error = search.Error,
            results = search.Results.Select(r => new { name = r.Name, segment = PullSegment(r.Name), version = r.Version, description = r.Description }),
        }, Json);
    }

    /// <summary>
    /// <c>GET /ui/events/&lt;name&gt;?tag=</c>: the build of that image as
    /// server-sent events: <c>status</c> while it builds, then one
    /// <c>done</c> or <c>failed</c> carrying the whole <see cref="ImageView"/>.
    /// Opening it starts the build, as a pull would.
    /// </summary>
    private static async Task EventsAsync(HttpContext context, IGrainFactory grains, string? name, string? tag)
    {
        name ??= "";
        tag = string.IsNullOrEmpty(tag) ? "latest" : tag;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var aborted = context.RequestAborted;
        try
        {
            if (!DistributionGrammar.IsValidName(name) || !DistributionGrammar.IsValidTag(tag))
            {
                await SendAsync(response, "failed", ImageView.Failed(name, tag, BuildError.Of(BuildErrorKind.PackagesNotFound, "not a valid image name and tag")), aborted);
                return;
            }
            var resolved = await context.RequestServices.GetRequiredService<ImageLookup>().ResolveAsync(name, tag);
            if (resolved.Request is not { } request)
            {
                await SendAsync(response, "failed", ImageView.Failed(name, tag, resolved.Error!), aborted);
                return;
            }
            var permission = WebAccess.Permission(context, name, tag);
            if (!permission.Pull)
            {
                await SendAsync(response, "failed", ImageView.Failed(name, tag, BuildError.Of(BuildErrorKind.PackagesNotFound, "access to this image is denied")), aborted);
                return;
            }
            switch (await context.RequestServices.GetRequiredService<BuildGate>().CheckAsync(request, permission.Build, context.Connection.RemoteIpAddress))
            {
                case BuildGate.Refusal.MayNotBuild:
                    await SendAsync(response, "failed", ImageView.Failed(name, tag, NotBuiltForYou), aborted);
                    return;
                case BuildGate.Refusal.TooManyBuilds:
                    await SendAsync(response, "failed", ImageView.Failed(name, tag, BuildError.Of(BuildErrorKind.Internal, "this client started too many builds in the last minute; try again later")), aborted);
                    return;
            }
            var grain = grains.GetGrain<IImageGrain>(request.Key());
            while (!aborted.IsCancellationRequested)
            {
                // Whoever may not start builds only follows one (or sees the image if it exists), as a pull would let them.
                var result = permission.Build
                    ? await GrainPolling.PollAsync(async token => await grain.Await(request, TimeSpan.FromSeconds(1), token) ?? Pending, aborted)
                    : await FollowAsync(grain, aborted);
                var view = ImageView.Of(name, tag, await grain.Details(), DateTimeOffset.UtcNow);
                if (result.Image is not null) await SendAsync(response, "done", view, aborted);
                else if (result.Error is { } error) await SendAsync(response, "failed", view with { State = "failed", Error = error.Message, MissingPackages = error.MissingPackages }, aborted);
                else
                {
                    await SendAsync(response, "status", view with { State = "building" }, aborted);
                    continue;
                }
                return;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page was closed; the build goes on in its grain.
        }
    }

    private static async Task<ImageResult> FollowAsync(IImageGrain grain, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        var status = await grain.Status();
        return status switch
        {
            { State: ImageState.Built, Image: { } image } => ImageResult.Success(image),
            { State: ImageState.Failed, Error: { } error } => ImageResult.Failure(error),
            { State: ImageState.Building } => Pending,
            _ => ImageResult.Failure(NotBuiltForYou),
        };
    }

    private static readonly BuildError NotBuiltForYou =
        BuildError.Of(BuildErrorKind.PackagesNotFound, "this image is not built, and you may not start builds: sign in, or pull it with credentials");

    /// <summary>Stands for "still building" in a poll, which otherwise ends at the first non-null answer.</summary>
    private static readonly ImageResult Pending = new(null, null);

    private static async Task SendAsync(HttpResponse response, string type, ImageView view, CancellationToken cancellation)
    {
        // JSON from System.Text.Json is one line, with '<', '>', '&' and quotes escaped.
        await response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(view, Json)}\n\n", cancellation);
        await response.Body.FlushAsync(cancellation);
    }

    /// <summary>
    /// How a package is written in an image name: lowercase (the selection
    /// finds camelCase attributes from it), and without the underscore that
    /// nixpkgs puts before a leading digit (the name grammar forbids it).
    /// </summary>
    public static string PullSegment(string attribute)
    {
        var lower = attribute.ToLowerInvariant();
        return lower.Length > 1 && lower[0] == '_' && char.IsAsciiDigit(lower[1]) ? lower[1..] : lower;
    }
}

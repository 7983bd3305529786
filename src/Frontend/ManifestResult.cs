using Microsoft.AspNetCore.Http;

namespace Nixery.Frontend;

/// <summary>
/// A manifest response. HEAD answers with exactly the headers of GET, so
/// containerd and docker, which resolve a tag with HEAD, get the digest and
/// length they need and never fall back to a second GET by tag.
/// </summary>
public sealed record ManifestResult(ManifestDocument Manifest) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        var etag = $"\"{Manifest.Digest}\"";
        response.Headers.ETag = etag;
        response.Headers["Docker-Content-Digest"] = Manifest.Digest.ToString();
        response.ContentType = Manifest.MediaType;
        if (context.Request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = Manifest.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(Manifest.Content, context.RequestAborted);
    }
}

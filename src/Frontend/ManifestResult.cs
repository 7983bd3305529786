using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Nixery.Frontend;

/// <summary>
/// A manifest response, one instance per manifest, with its header values
/// computed once. HEAD answers with exactly the headers of GET, so
/// containerd and docker, which resolve a tag with HEAD, get the digest and
/// length they need and never fall back to a second GET by tag. A client
/// that already holds the manifest (<c>If-None-Match</c> with its digest)
/// gets 304 with the same headers and no body.
/// </summary>
public sealed class ManifestResult(PreparedManifest manifest) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = manifest.ETag;
        headers["Docker-Content-Digest"] = manifest.DigestText;
        headers.ContentType = manifest.MediaType;
        if (EntityTags.Matches(context.Request.Headers.IfNoneMatch, manifest.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = manifest.Content.Length;
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        var write = response.BodyWriter.WriteAsync(manifest.Content, context.RequestAborted);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}

/// <summary>
/// <c>If-None-Match</c> (RFC 9110 §13.1.2): a list of entity tags, or <c>*</c>.
/// Comparison is weak, as the RFC asks for this header, so <c>W/"x"</c> matches <c>"x"</c>.
/// </summary>
public static class EntityTags
{
    public static bool Matches(StringValues ifNoneMatch, string etag)
    {
        for (var i = 0; i < ifNoneMatch.Count; i++)
        {
            var header = ifNoneMatch[i].AsSpan();
            foreach (var range in header.Split(','))
            {
                var candidate = header[range].Trim();
                if (candidate.StartsWith("W/")) candidate = candidate[2..];
                if (candidate is "*" || candidate.SequenceEqual(etag)) return true;
            }
        }
        return false;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Metrics;
using Nixery.Manifests;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// A blob response: a local file sent with single-range support, a redirect
/// to object storage, or a stream copied from a backend that cannot redirect.
/// Blobs are immutable, so they may be cached for a year. No
/// Content-Encoding is ever set: a client that sees gzip there would
/// decompress the layer and then fail its digest check.
/// </summary>
public sealed record BlobResult(Digest Digest, BlobLocation Location) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers["Docker-Content-Digest"] = Digest.ToString();
        response.Headers.ETag = $"\"{Digest}\"";
        if (Location is BlobLocation.Redirect redirect)
        {
            response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            response.Headers.Location = redirect.Url.ToString();
            return;
        }

        response.Headers.AcceptRanges = "bytes";
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        response.ContentType = MediaTypes.OctetStream;
        var size = Location.Size;
        switch (ByteRange.Parse(context.Request.Headers.Range, size, out var range))
        {
            case ByteRange.Outcome.Unsatisfiable:
                response.Headers.ContentRange = $"bytes */{size}";
                await new RegistryError(StatusCodes.Status416RangeNotSatisfiable, "SIZE_INVALID",
                    $"range {context.Request.Headers.Range} is outside the blob ({size} bytes)").ExecuteAsync(context);
                return;
            case ByteRange.Outcome.Partial:
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {range.Start}-{range.End}/{size}";
                break;
            default:
                response.StatusCode = StatusCodes.Status200OK;
                break;
        }
        response.ContentLength = range.Length;
        if (HttpMethods.IsHead(context.Request.Method) || range.Length == 0) return;

        try
        {
            switch (Location)
            {
                case BlobLocation.LocalFile file:
                    await response.SendFileAsync(file.Path, range.Start, range.Length, context.RequestAborted);
                    break;
                case BlobLocation.Proxy proxy:
                    await using (var source = await proxy.Open(range.Start, range.Length, context.RequestAborted))
                    {
                        await source.CopyToAsync(response.Body, context.RequestAborted);
                    }
                    break;
            }
            context.RequestServices.GetRequiredService<RegistryMetrics>().BytesServed(range.Length);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
    }
}

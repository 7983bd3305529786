using System.Net;
using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// Downloads a package set tarball and unpacks it, bounded in time. A
/// previous download's ETag makes the next check of an unchanged tarball a
/// 304 instead of a full download. The tarball is decompressed here, not by
/// tar, so that its unpacked size is bounded (<c>NIXERY_SOURCE_MAX_SIZE</c>)
/// before more than that bounded .tar reaches the disk: a small gzip can
/// expand a thousandfold.
/// </summary>
public sealed class TarballFetcher(HttpClient http, CommandRunner runner, TimeSpan timeout, long maxBytes)
{
    /// <summary>The outcome of a fetch: unchanged (304), not found, or unpacked into a directory.</summary>
    public abstract record Outcome
    {
        public sealed record Unchanged : Outcome;

        public sealed record NotFound(HttpStatusCode Status) : Outcome;

        public sealed record Unpacked(string Directory, string? ETag) : Outcome;
    }

    public async Task<Outcome> FetchAsync(Uri url, string? etag, string workDirectory, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        Directory.CreateDirectory(workDirectory);
        var archive = Path.Combine(workDirectory, $"{Guid.NewGuid():N}.tar");
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (etag is not null) request.Headers.TryAddWithoutValidation("If-None-Match", etag);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            if (response.StatusCode == HttpStatusCode.NotModified) return new Outcome.Unchanged();
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return new Outcome.NotFound(response.StatusCode);
            if (!response.IsSuccessStatusCode)
                throw Unavailable(url, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}");

            await using (var file = File.Create(archive))
            await using (var body = await response.Content.ReadAsStreamAsync(limit.Token))
            await using (var tar = new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress))
            {
                try
                {
                    await CopyBoundedAsync(tar, file, limit.Token);
                }
                catch (InvalidDataException e)
                {
                    throw Unavailable(url, $"not a gzip tarball: {e.Message}");
                }
            }
            var target = Path.Combine(workDirectory, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(target);
            var unpacked = await runner.RunAsync("tar", ["-xf", archive, "-C", target], timeout, limit.Token);
            if (!unpacked.Succeeded)
            {
                Directory.Delete(target, recursive: true);
                throw Unavailable(url, $"not a gzip tarball: {Redaction.Text(unpacked.ErrorTail.Trim())}");
            }
            return new Outcome.Unpacked(target, response.Headers.ETag?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or CommandTimedOutException && !cancellation.IsCancellationRequested)
        {
            throw Unavailable(url, e is OperationCanceledException or CommandTimedOutException
                ? $"no answer within {timeout.TotalSeconds:0} s (NIXERY_SOURCE_TIMEOUT)"
                : Redaction.Text(e.Message));
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private async Task CopyBoundedAsync(Stream source, Stream target, CancellationToken cancellation)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellation)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new BuildFailedException(BuildError.Of(BuildErrorKind.TooLarge,
                    $"the package set tarball unpacks to more than {maxBytes / (1024 * 1024)} MiB (NIXERY_SOURCE_MAX_SIZE)"));
            }
            await target.WriteAsync(buffer.AsMemory(0, read), cancellation);
        }
    }

    private static BuildFailedException Unavailable(Uri url, string why) =>
        new(BuildError.Of(BuildErrorKind.SourceUnavailable, $"cannot fetch the package set {Redaction.Url(url)}: {why}"));
}

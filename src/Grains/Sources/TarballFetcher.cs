using System.Net;
using Nixery.Processes;

namespace Nixery.Sources;

/// <summary>
/// Downloads a package set tarball and unpacks it, bounded in time. A
/// previous download's ETag makes the next check of an unchanged tarball a
/// 304 instead of a full download.
/// </summary>
public sealed class TarballFetcher(HttpClient http, CommandRunner runner, TimeSpan timeout)
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
        var archive = Path.Combine(workDirectory, $"{Guid.NewGuid():N}.tar.gz");
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
            {
                await response.Content.CopyToAsync(file, limit.Token);
            }
            var target = Path.Combine(workDirectory, Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(target);
            var unpacked = await runner.RunAsync("tar", ["-xzf", archive, "-C", target], timeout, limit.Token);
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

    private static BuildFailedException Unavailable(Uri url, string why) =>
        new(BuildError.Of(BuildErrorKind.SourceUnavailable, $"cannot fetch the package set {Redaction.Url(url)}: {why}"));
}

using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nixery.Manifests;

namespace Nixery.Frontend.Hosting;

/// <summary>
/// Sends the process its own registry traffic before it reports ready, so
/// that the first real requests after a deploy do not pay for JIT
/// compilation, tiering and connection set-up: Kestrel, routing, the
/// manifest and blob endpoints, the cache's epoch check (a grain call) and
/// storage are all run, over loopback, a few thousand times. Only reads of
/// digests that cannot exist are sent: nothing is built, stored or cached.
/// Meanwhile the silo prepares the package source (see
/// <see cref="IResolverGrain.Prepare"/>). <c>/readyz</c> answers 503 until
/// both have finished, or the source for at most <see cref="SourceWait"/>.
/// </summary>
public sealed class RegistryWarmup(IServer server, IHostApplicationLifetime lifetime, IGrainFactory grains, ILogger<RegistryWarmup> logger) : BackgroundService
{
    /// <summary>Enough calls for the hot methods to reach optimised code (tiering promotes after 30 calls, in the background).</summary>
    private const int Rounds = 400;

    private const int Connections = 4;

    /// <summary>
    /// How long readiness waits for the package source. A path is imported in well under a
    /// second; a first clone of nixpkgs, or a remote that does not answer, must not keep the
    /// process unready for the whole source timeout: the first pull then waits for it instead.
    /// </summary>
    internal static readonly TimeSpan SourceWait = TimeSpan.FromSeconds(30);

    private static readonly string Absent = "sha256:" + new string('0', 64);

    private static readonly string[] Paths =
    [
        "/v2/",
        $"/v2/nixery-warmup/manifests/{Absent}",
        $"/v2/nixery-warmup/blobs/{Absent}",
    ];

    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsComplete => _completed.Task.IsCompleted;

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            var started = new TaskCompletionSource();
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
                await started.Task.WaitAsync(stopping);
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null) return;
            var port = new Uri(address.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1").Replace("+", "127.0.0.1").Replace("*", "127.0.0.1")).Port;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var preparing = PrepareSourceAsync();
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(10),
            };
            await WarmManifestResponsesAsync();
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => SendAsync(http, stopping)));
            logger.LogInformation("warm-up: {Requests} requests in {Milliseconds} ms", Rounds * Paths.Length * 2, clock.ElapsedMilliseconds);
            if (await Task.WhenAny(preparing, Task.Delay(SourceWait, stopping)) != preparing)
                logger.LogWarning("warm-up: the package source is not ready after {Seconds} s; the first pull waits for it", SourceWait.TotalSeconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // A warm-up that fails must not keep the process unready for ever.
            logger.LogWarning(e, "warm-up stopped early");
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    /// <summary>
    /// Prepares <c>latest</c> on a silo (this process's own, when it hosts one), so that the
    /// first pull does not wait for the package set to be imported or fetched, nor share the
    /// machine with the evaluation of its catalogue. A source that fails does not fail start-up.
    /// </summary>
    private async Task PrepareSourceAsync()
    {
        try
        {
            if (await grains.GetGrain<IResolverGrain>(0).Prepare("latest") is { } error)
                logger.LogWarning("warm-up: the package source could not be prepared: {Message}", error.Message);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "warm-up: the package source could not be prepared");
        }
    }

    private static async Task SendAsync(HttpClient http, CancellationToken stopping)
    {
        for (var round = 0; round < Rounds / Connections; round++)
        {
            foreach (var path in Paths)
            {
                foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
                {
                    using var request = new HttpRequestMessage(method, path);
                    request.Headers.TryAddWithoutValidation("Accept", MediaTypes.DockerManifest);
                    using var response = await http.SendAsync(request, stopping);
                    await response.Content.CopyToAsync(Stream.Null, stopping);
                }
            }
        }
    }

    /// <summary>A cached manifest's answer is the one path the loopback requests cannot reach without an image; run it on a made-up one.</summary>
    private static async Task WarmManifestResponsesAsync()
    {
        var content = """{"schemaVersion":2}"""u8.ToArray();
        var manifest = new PreparedManifest(new ManifestDocument(MediaTypes.DockerManifest, Digest.Sha256(content), content));
        for (var i = 0; i < Rounds; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = i % 2 == 0 ? HttpMethods.Get : HttpMethods.Head;
            if (i % 3 == 0) context.Request.Headers.IfNoneMatch = manifest.ETag;
            context.Request.Headers.Accept = MediaTypes.OciManifest;
            _ = ManifestNegotiation.Choose(context.Request.Headers.Accept);
            await manifest.Result.ExecuteAsync(context);
        }
    }
}

using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Processes;

namespace Nixery.Tests.Support;

/// <summary>
/// A local HTTP server standing in for GitHub's archive URL: serves
/// <c>/archive/&lt;name&gt;.tar.gz</c> with ETags and 304s, counts requests.
/// It can fail as a real one does: stall a download (accept the request, send
/// nothing) or stop listening altogether and start again on the same port.
/// </summary>
public sealed class TarballServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _tarballs = new();
    private readonly Dictionary<string, TaskCompletionSource> _stalled = new();
    private readonly TemporaryDirectory _work = new();
    private int _requests;
    private int _notModified;

    public TarballServer()
    {
        // HttpListener cannot listen on port 0 and say which port it got.
        var port = FreePorts.Lease();
        BaseUrl = $"http://127.0.0.1:{port}/archive/";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        port.Dispose();
        Start();
    }

    /// <summary>Listens (again, after <see cref="Stop"/>) on the same port.</summary>
    public void Start()
    {
        _listener.Start();
        _ = ServeAsync();
    }

    /// <summary>Stops listening: the port is closed, and connecting to it is refused.</summary>
    public void Stop() => _listener.Stop();

    /// <summary>Requests for <c>&lt;name&gt;.tar.gz</c> get no answer (not even headers) until <see cref="Release"/>.</summary>
    public void Stall(string name)
    {
        lock (_stalled) _stalled[name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Answers the stalled requests for <paramref name="name"/> and every later one.</summary>
    public void Release(string name)
    {
        lock (_stalled)
        {
            if (_stalled.Remove(name, out var stall)) stall.SetResult();
        }
    }

    public string BaseUrl { get; }

    public int Requests => _requests;

    public int NotModified => _notModified;

    /// <summary>Publishes the demo package set with a REVISION file as <c>&lt;name&gt;.tar.gz</c>, under a top directory as GitHub does.</summary>
    public async Task PublishAsync(string name, string revision)
    {
        var tree = _work.Combine(name, $"nixpkgs-{name}");
        Directory.CreateDirectory(tree);
        File.Copy(Path.Combine(Repository.DemoPackageSet, "default.nix"), Path.Combine(tree, "default.nix"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(tree, "REVISION"), revision + "\n");
        var archive = _work.Combine($"{name}.tar.gz");
        var result = await new CommandRunner(NullLogger<CommandRunner>.Instance).RunAsync("tar",
            ["-czf", archive, "-C", _work.Combine(name), $"nixpkgs-{name}"], TimeSpan.FromMinutes(1), CancellationToken.None);
        if (!result.Succeeded) throw new InvalidOperationException(result.ErrorTail);
        var content = await File.ReadAllBytesAsync(archive);
        lock (_tarballs) _tarballs[name] = content;
    }

    /// <summary>Serves <paramref name="content"/> as it is as <c>&lt;name&gt;.tar.gz</c>.</summary>
    public void Publish(string name, byte[] content)
    {
        lock (_tarballs) _tarballs[name] = content;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            // Each request on its own, so a stalled one holds up nothing else.
            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            var name = Uri.UnescapeDataString(context.Request.Url!.AbsolutePath)["/archive/".Length..].Replace(".tar.gz", "");
            Task? stall;
            lock (_stalled) stall = _stalled.GetValueOrDefault(name)?.Task;
            if (stall is not null) await stall;
            byte[]? content;
            lock (_tarballs) content = _tarballs.GetValueOrDefault(name);
            if (content is null)
            {
                context.Response.StatusCode = 404;
            }
            else
            {
                var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";
                context.Response.AddHeader("ETag", etag);
                if (context.Request.Headers["If-None-Match"] == etag)
                {
                    Interlocked.Increment(ref _notModified);
                    context.Response.StatusCode = 304;
                }
                else
                {
                    context.Response.ContentType = "application/gzip";
                    await context.Response.OutputStream.WriteAsync(content);
                }
            }
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client gave up (a stalled download past its time limit) or the server stopped.
        }
    }

    public void Dispose()
    {
        lock (_stalled)
        {
            foreach (var stall in _stalled.Values) stall.TrySetResult();
        }
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // HttpListener looks its port up again on close and fails if a
            // parallel test's listener took it meanwhile; the port is closed either way.
        }
        _work.Dispose();
    }
}

using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nixery.StorageServers;

/// <summary>
/// A stand-in for Google Cloud Storage: NOT Google Cloud Storage. No GCS
/// emulator can be installed on these machines, so this in-memory Kestrel
/// server implements the part of the JSON API that the storage backend
/// uses (resumable uploads with generation preconditions, metadata, ranged
/// media downloads, listing, deletion, rewrite in one or two steps), an
/// OAuth token endpoint for service-account keys, and V4-signed XML API
/// GETs. It behaves as its authors read Google's documentation; tests that
/// pass against it show that the backend and this reading agree, not that
/// the backend works against real GCS.
/// </summary>
public sealed class GcsStandIn : IAsyncDisposable
{
    /// <summary>Objects larger than this are rewritten in two calls, as GCS does for large copies.</summary>
    private const long OneCallRewriteLimit = 1 << 20;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _buckets = new();
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, Upload> _uploads = new();
    private readonly ConcurrentDictionary<string, (string Bucket, string Name, string Target)> _rewrites = new();
    private long _generation = 1_700_000_000_000_000;

    private GcsStandIn(WebApplication app) => _app = app;

    /// <summary>Service accounts whose keys authenticate API calls and sign URLs.</summary>
    public GcsStandInAccounts Accounts { get; } = new();

    /// <summary>When set, every JSON API call needs a bearer token issued by <see cref="Accounts"/>.</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>When set, every rewrite fails with 500: the failure Nixery ignored, losing layers.</summary>
    public bool FailRewrites { get; set; }

    public Uri Root { get; private set; } = null!;

    /// <summary>The JSON API base, as a client's BaseUri.</summary>
    public string Endpoint => new Uri(Root, "storage/v1/").ToString();

    public Uri TokenUri => new(Root, "token");

    /// <summary>Every object name in a bucket, for tests that look for leftovers.</summary>
    public IReadOnlyList<string> ObjectNames(string bucket) =>
        _objects.Keys.Where(k => k.Bucket == bucket).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Resumable uploads started but never finished, in a bucket.</summary>
    public int UnfinishedUploads(string bucket) => _uploads.Values.Count(u => u.Bucket == bucket);

    public void CreateBucket(string name) => _buckets[name] = 0;

    public static async Task<GcsStandIn> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var standIn = new GcsStandIn(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.Root = new Uri(address.TrimEnd('/') + "/");
        return standIn;
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var path = target.Split('?')[0];
        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        var method = context.Request.Method;
        try
        {
            if (method == "POST" && path == "/token")
            {
                await TokenAsync(context);
                return;
            }
            if (segments is ["storage", "v1", ..] or ["download", "storage", "v1", ..] or ["upload", "storage", "v1", ..])
            {
                if (!Authorized(context))
                {
                    await ErrorAsync(context, 401, "Anonymous caller does not have storage access.");
                    return;
                }
                var api = segments[0] == "storage" ? segments[2..] : segments[3..];
                await JsonApiAsync(context, segments[0], api);
                return;
            }
            if (segments.Length >= 2 && method is "GET" or "HEAD")
            {
                await SignedGetAsync(context, segments[0], string.Join('/', segments[1..]));
                return;
            }
            await ErrorAsync(context, 404, $"the stand-in does not serve {method} {path}");
        }
        catch (BadHttpRequestException)
        {
            // The client went away mid-upload.
        }
    }

    private Task JsonApiAsync(HttpContext context, string surface, string[] api)
    {
        var method = context.Request.Method;
        var query = context.Request.Query;
        return api switch
        {
            ["b", var bucket] when method == "GET" => _buckets.ContainsKey(bucket)
                ? JsonAsync(context, 200, new JsonObject { ["kind"] = "storage#bucket", ["id"] = bucket, ["name"] = bucket })
                : ErrorAsync(context, 404, $"bucket {bucket} does not exist"),
            ["b", var bucket, ..] when !_buckets.ContainsKey(bucket) => ErrorAsync(context, 404, $"bucket {bucket} does not exist"),
            // Object names arrive as one percent-encoded segment each.
            ["b", var sourceBucket, "o", var source, "rewriteTo", "b", var targetBucket, "o", var target] when method == "POST" =>
                RewriteAsync(context, sourceBucket, source, targetBucket, target),
            ["b", var bucket, "o"] when surface == "upload" && method == "POST" => StartUploadAsync(context, bucket),
            ["b", _, "o"] when surface == "upload" && method == "PUT" => ContinueUploadAsync(context, query["upload_id"].ToString()),
            ["b", var bucket, "o"] when method == "GET" => ListAsync(context, bucket),
            ["b", var bucket, "o", var name] => ObjectAsync(context, bucket, name),
            _ => ErrorAsync(context, 404, $"the stand-in does not serve {method} {string.Join('/', api)}"),
        };
    }

    private async Task ObjectAsync(HttpContext context, string bucket, string name)
    {
        var query = context.Request.Query;
        _objects.TryGetValue((bucket, name), out var stored);
        if (stored is not null && query.TryGetValue("generation", out var generation) && generation.ToString() != stored.Generation.ToString())
            stored = null;
        switch (context.Request.Method)
        {
            case "GET" when stored is null:
                await ErrorAsync(context, 404, $"No such object: {bucket}/{name}");
                return;
            case "GET" when query["alt"] == "media":
                await ContentAsync(context, stored);
                return;
            case "GET":
                await JsonAsync(context, 200, Resource(bucket, name, stored));
                return;
            case "DELETE" when stored is null:
                await ErrorAsync(context, 404, $"No such object: {bucket}/{name}");
                return;
            case "DELETE":
                if (!PreconditionHolds(query, stored))
                {
                    await ErrorAsync(context, 412, "At least one of the pre-conditions you specified did not hold.");
                    return;
                }
                _objects.TryRemove(new KeyValuePair<(string, string), StoredObject>((bucket, name), stored));
                context.Response.StatusCode = 204;
                return;
            default:
                await ErrorAsync(context, 405, "method not allowed");
                return;
        }
    }

    private async Task ListAsync(HttpContext context, string bucket)
    {
        var prefix = context.Request.Query["prefix"].ToString();
        var after = context.Request.Query["pageToken"].ToString();
        var pageSize = int.TryParse(context.Request.Query["maxResults"], out var n) ? Math.Min(n, 1000) : 1000;
        var names = _objects.Keys.Where(k => k.Bucket == bucket && k.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k.Name).Where(name => string.CompareOrdinal(name, after) > 0).Order(StringComparer.Ordinal).ToList();
        var page = names.Take(pageSize).ToList();
        var items = new JsonArray();
        foreach (var name in page)
        {
            if (_objects.TryGetValue((bucket, name), out var stored)) items.Add(Resource(bucket, name, stored));
        }
        var body = new JsonObject { ["kind"] = "storage#objects", ["items"] = items };
        if (names.Count > page.Count) body["nextPageToken"] = page[^1];
        await JsonAsync(context, 200, body);
    }

    private async Task StartUploadAsync(HttpContext context, string bucket)
    {
        var query = context.Request.Query;
        if (query["uploadType"] != "resumable")
        {
            await ErrorAsync(context, 400, "the stand-in only takes resumable uploads");
            return;
        }
        var metadata = await ReadJsonAsync(context);
        var name = query["name"].FirstOrDefault() ?? metadata?["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            await ErrorAsync(context, 400, "an upload needs an object name");
            return;
        }
        var id = Guid.NewGuid().ToString("N");
        long? ifGenerationMatch = long.TryParse(query["ifGenerationMatch"], out var g) ? g : null;
        _uploads[id] = new Upload(bucket, name, metadata?["contentType"]?.GetValue<string>() ?? "application/octet-stream", ifGenerationMatch);
        context.Response.Headers.Location = new Uri(Root, $"upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}").ToString();
        context.Response.StatusCode = 200;
    }

    /// <summary>
    /// A chunk of a resumable upload: <c>Content-Range: bytes a-b/total</c>,
    /// with <c>*</c> for a total not yet known. 308 and a Range header until
    /// the last byte arrives; then the object is created, if its
    /// precondition still holds.
    /// </summary>
    private async Task ContinueUploadAsync(HttpContext context, string id)
    {
        if (!_uploads.TryGetValue(id, out var upload))
        {
            await ErrorAsync(context, 404, "no such upload");
            return;
        }
        var range = context.Request.Headers.ContentRange.ToString();
        var slash = range.LastIndexOf('/');
        long? total = slash >= 0 && long.TryParse(range[(slash + 1)..], out var t) ? t : null;
        using (var chunk = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(chunk);
            lock (upload) upload.Content.Write(chunk.GetBuffer(), 0, (int)chunk.Length);
        }
        var received = upload.Content.Length;
        if (total is null || received < total)
        {
            context.Response.StatusCode = 308;
            if (received > 0) context.Response.Headers["Range"] = $"bytes=0-{received - 1}";
            return;
        }
        _uploads.TryRemove(id, out _);
        var key = (upload.Bucket, upload.Name);
        var created = new StoredObject(upload.Content.ToArray(), Interlocked.Increment(ref _generation), upload.ContentType, DateTimeOffset.UtcNow);
        lock (_objects)
        {
            _objects.TryGetValue(key, out var existing);
            if (upload.IfGenerationMatch is { } wanted && (existing?.Generation ?? 0) != wanted)
            {
                created = null;
            }
            else
            {
                _objects[key] = created;
            }
        }
        if (created is null) await ErrorAsync(context, 412, "At least one of the pre-conditions you specified did not hold.");
        else await JsonAsync(context, 200, Resource(upload.Bucket, upload.Name, created));
    }

    private async Task RewriteAsync(HttpContext context, string sourceBucket, string source, string targetBucket, string target)
    {
        var query = context.Request.Query;
        if (FailRewrites)
        {
            await ErrorAsync(context, 500, "stand-in: rewrite failed (FailRewrites)");
            return;
        }
        if (!_objects.TryGetValue((sourceBucket, source), out var stored)
            || query.TryGetValue("ifSourceGenerationMatch", out var sourceGeneration) && sourceGeneration.ToString() != stored.Generation.ToString())
        {
            await ErrorAsync(context, stored is null ? 404 : 412, $"rewrite source {sourceBucket}/{source} is not there as asked");
            return;
        }
        var token = query["rewriteToken"].ToString();
        if (stored.Content.Length > OneCallRewriteLimit && (token.Length == 0 || !_rewrites.TryRemove(token, out _)))
        {
            token = Guid.NewGuid().ToString("N");
            _rewrites[token] = (sourceBucket, source, target);
            await JsonAsync(context, 200, new JsonObject
            {
                ["kind"] = "storage#rewriteResponse",
                ["totalBytesRewritten"] = (OneCallRewriteLimit).ToString(),
                ["objectSize"] = stored.Content.Length.ToString(),
                ["done"] = false,
                ["rewriteToken"] = token,
            });
            return;
        }
        var copy = stored with { Generation = Interlocked.Increment(ref _generation), Updated = DateTimeOffset.UtcNow };
        lock (_objects)
        {
            _objects.TryGetValue((targetBucket, target), out var existing);
            if (long.TryParse(query["ifGenerationMatch"], out var wanted) && (existing?.Generation ?? 0) != wanted) copy = null;
            else _objects[(targetBucket, target)] = copy;
        }
        if (copy is null)
        {
            await ErrorAsync(context, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }
        await JsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "storage#rewriteResponse",
            ["totalBytesRewritten"] = copy.Content.Length.ToString(),
            ["objectSize"] = copy.Content.Length.ToString(),
            ["done"] = true,
            ["resource"] = Resource(targetBucket, target, copy),
        });
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || Accounts.IssueToken(form["assertion"].ToString()) is not { } token)
        {
            await JsonAsync(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "the assertion is not signed by a known key" });
            return;
        }
        await JsonAsync(context, 200, new JsonObject { ["access_token"] = token, ["expires_in"] = 3600, ["token_type"] = "Bearer" });
    }

    /// <summary>The XML API's <c>GET /bucket/object</c>, which signed URLs name.</summary>
    private async Task SignedGetAsync(HttpContext context, string bucket, string name)
    {
        if (Accounts.CheckSignedUrl(context) is { } problem)
        {
            context.Response.StatusCode = problem == "ExpiredToken" ? 400 : 403;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync($"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{problem}</Code></Error>");
            return;
        }
        if (!_objects.TryGetValue((bucket, name), out var stored))
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code></Error>");
            return;
        }
        await ContentAsync(context, stored);
    }

    private static async Task ContentAsync(HttpContext context, StoredObject stored)
    {
        var response = context.Response;
        response.ContentType = stored.ContentType;
        response.Headers["x-goog-generation"] = stored.Generation.ToString();
        response.Headers["x-goog-hash"] = $"crc32c={stored.Crc32C},md5={stored.Md5}";
        var (start, length) = (0L, (long)stored.Content.Length);
        var header = context.Request.Headers.Range.ToString();
        if (header.StartsWith("bytes=", StringComparison.Ordinal) && !header.Contains(','))
        {
            var bounds = header["bytes=".Length..].Split('-');
            if (bounds[0].Length > 0 && long.TryParse(bounds[0], out var first))
            {
                if (first >= stored.Content.Length)
                {
                    response.StatusCode = 416;
                    return;
                }
                var last = bounds[1].Length > 0 && long.TryParse(bounds[1], out var l) ? Math.Min(l, stored.Content.Length - 1) : stored.Content.Length - 1;
                (start, length) = (first, last - first + 1);
                response.StatusCode = 206;
                response.Headers.ContentRange = $"bytes {start}-{last}/{stored.Content.Length}";
            }
        }
        response.ContentLength = length;
        if (context.Request.Method != "HEAD") await response.Body.WriteAsync(stored.Content.AsMemory((int)start, (int)length));
    }

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal)) return Accounts.IsValidBearer(header["Bearer ".Length..]);
        return !RequireAuthentication;
    }

    private static bool PreconditionHolds(IQueryCollection query, StoredObject stored) =>
        !long.TryParse(query["ifGenerationMatch"], out var wanted) || wanted == stored.Generation;

    /// <summary>The client gzips JSON request bodies by default.</summary>
    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        Stream body = context.Request.Body;
        if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip")) body = new GZipStream(body, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray());
    }

    private static JsonObject Resource(string bucket, string name, StoredObject stored) => new()
    {
        ["kind"] = "storage#object",
        ["id"] = $"{bucket}/{name}/{stored.Generation}",
        ["name"] = name,
        ["bucket"] = bucket,
        ["generation"] = stored.Generation.ToString(),
        ["metageneration"] = "1",
        ["contentType"] = stored.ContentType,
        ["size"] = stored.Content.Length.ToString(),
        ["md5Hash"] = stored.Md5,
        ["crc32c"] = stored.Crc32C,
        ["timeCreated"] = stored.Updated.ToString("O"),
        ["updated"] = stored.Updated.ToString("O"),
    };

    private static async Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task ErrorAsync(HttpContext context, int status, string message)
    {
        var reason = status switch { 404 => "notFound", 412 => "conditionNotMet", 401 => "required", _ => "backendError" };
        return JsonAsync(context, status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = status,
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["reason"] = reason, ["message"] = message, ["domain"] = "global" }),
            },
        });
    }

    private sealed record StoredObject(byte[] Content, long Generation, string ContentType, DateTimeOffset Updated)
    {
        /// <summary>Computed once: hashing a large object on every read would make the stand-in the bottleneck of benchmarks.</summary>
        public string Md5 { get; } = Convert.ToBase64String(MD5.HashData(Content));

        public string Crc32C { get; } = StorageServers.Crc32C.Base64(Content);
    }

    private sealed record Upload(string Bucket, string Name, string ContentType, long? IfGenerationMatch)
    {
        public MemoryStream Content { get; } = new();
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nixery.Manifests;

namespace Nixery.Frontend;

/// <summary>
/// The one error type of the registry API: HTTP status, a distribution-spec
/// error code and a message for the person at the client (skopeo, podman and
/// docker print it). Every error body is written here, as
/// <c>{"errors":[{"code","message","detail"}]}</c> with a JSON content type
/// (Nixery sent its errors as text/plain). Messages quote URLs of sources and
/// storage; their credentials and query strings are masked here as a last line.
/// </summary>
public sealed record RegistryError(int Status, string Code, string Message, object? Detail = null) : IResult
{
    public static RegistryError BlobUnknown(string digest) => new(StatusCodes.Status404NotFound, "BLOB_UNKNOWN", $"blob unknown: {digest}", new { digest });
    public static RegistryError ManifestUnknown(string message, object? detail = null) => new(StatusCodes.Status404NotFound, "MANIFEST_UNKNOWN", message, detail);
    public static RegistryError NameInvalid(string name) => new(StatusCodes.Status400BadRequest, "NAME_INVALID", $"invalid repository name '{name}'", new { name });
    public static RegistryError DigestInvalid(string digest) => new(StatusCodes.Status400BadRequest, "DIGEST_INVALID", $"invalid digest '{digest}'", new { digest });
    public static RegistryError NotFound(string path) => new(StatusCodes.Status404NotFound, "NAME_UNKNOWN", $"no such endpoint: {path}");

    /// <summary>Credentials are missing, wrong or expired; <paramref name="challenge"/> tells the client where to get a token.</summary>
    public static RegistryError Unauthorized(string message, string challenge) =>
        new(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", message) { Challenge = challenge };

    /// <summary>The client is known but may not do this.</summary>
    public static RegistryError Denied(string message, object? detail = null) => new(StatusCodes.Status403Forbidden, "DENIED", message, detail);

    public static RegistryError ReadOnly(string method) =>
        new(StatusCodes.Status405MethodNotAllowed, "UNSUPPORTED", $"{method} is not supported: this registry is read-only; images are built from package names when pulled");

    /// <summary>Errors of the registry itself, not of the request: "UNKNOWN" as distribution uses it.</summary>
    public static RegistryError Internal(string message) => new(StatusCodes.Status500InternalServerError, "UNKNOWN", message);

    /// <summary>Too much work asked for at once: the client may retry after <see cref="RetryAfterSeconds"/>.</summary>
    public static RegistryError TooManyRequests(string message) => new(StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", message);

    public const int RetryAfterSeconds = 30;

    /// <summary>
    /// Something the registry depends on (a silo, storage, the package source) failed or took too
    /// long: retryable, so a 503 with <c>Retry-After</c>, and "UNAVAILABLE" as distribution's errcode names it.
    /// </summary>
    public static RegistryError Unavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", message);

    /// <summary>The <c>WWW-Authenticate</c> value of a 401.</summary>
    public string? Challenge { get; init; }

    public async Task ExecuteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        if (Challenge is not null) context.Response.Headers.WWWAuthenticate = Challenge;
        context.Response.ContentType = MediaTypes.Json;
        if (Status == StatusCodes.Status405MethodNotAllowed) context.Response.Headers.Allow = "GET, HEAD";
        if (Status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status429TooManyRequests)
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            errors = new[] { new { code = Code, message = Redaction.Text(Message), detail = Detail } },
        });
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }
}

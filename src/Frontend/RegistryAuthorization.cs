using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nixery.Access;

namespace Nixery.Frontend;

/// <summary>
/// Enforces token authentication on the registry API before anything is
/// served, cached or built: <c>/v2/</c> needs a valid token, every
/// repository route a token whose access covers <c>repository:&lt;name&gt;:pull</c>
/// (digest requests too: a digest is no secret), and a manifest by tag must
/// be allowed at that tag. Whether the request may start a build is left in
/// the request for the manifest endpoint (<see cref="MayBuild"/>).
/// </summary>
public static class RegistryAuthorization
{
    private const string BuildPermissionKey = "nixery.may-build";

    /// <summary>
    /// An error to answer with, or null when the request may proceed. The caller
    /// passes <paramref name="access"/>: asking <c>RequestServices</c> would make a
    /// service scope per request, the largest allocation of a warm manifest GET.
    /// </summary>
    public static async Task<RegistryError?> CheckAsync(HttpContext context, RegistryRoute route, RegistryAccess access)
    {
        if (access.Control is not { } control) return null;

        var repository = RepositoryOf(route);
        var scope = repository is null ? null : ResourceScope.PullOf(repository);
        var claims = await access.BearerAsync(context.Request);
        if (claims is null)
        {
            var invalid = context.Request.Headers.Authorization.Count > 0;
            return RegistryError.Unauthorized(
                invalid ? "the token is invalid or expired" : "authentication required",
                access.Challenge(context.Request, scope, invalid ? "invalid_token" : null));
        }
        if (scope is null) return null;
        if (!claims.Grants(scope))
            return RegistryError.Denied($"access to repository '{repository}' is denied", new { name = repository });

        var tag = route is RegistryRoute.Manifest { Reference: var reference } && !reference.Contains(':') ? reference : null;
        var permission = control.Permission(claims.Subject, repository!, tag);
        if (tag is not null && !permission.Pull)
            return RegistryError.Denied($"pulling '{repository}' at '{tag}' is denied", new { name = repository, tag });
        context.Items[BuildPermissionKey] = new BuildPermission(permission.Build, claims.IsAnonymous);
        return null;
    }

    /// <summary>Whether this request may start a build; always when authentication is off.</summary>
    public static BuildPermission MayBuild(HttpContext context) =>
        context.Items.TryGetValue(BuildPermissionKey, out var value) && value is BuildPermission permission ? permission : BuildPermission.Everyone;

    private static string? RepositoryOf(RegistryRoute route) => route switch
    {
        RegistryRoute.Manifest m => m.Name,
        RegistryRoute.Blob b => b.Name,
        RegistryRoute.Tags t => t.Name,
        RegistryRoute.Upload u => u.Name,
        RegistryRoute.Referrers r => r.Name,
        _ => null,
    };

    /// <summary>
    /// For pages meant for operators (recent builds, failures): when
    /// authentication is on, only users the policy names under
    /// <c>operators</c> get through. Browsers sign in with Basic credentials
    /// (they prompt for them on the 401); a registry token is accepted too.
    /// </summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (invocation, next) =>
        {
            var refusal = await OperatorRefusalAsync(invocation.HttpContext);
            return refusal is null ? await next(invocation) : refusal;
        });

    /// <summary>Null when the request comes from an operator (or authentication is off); else the 401 or 403 to answer with.</summary>
    public static async Task<IResult?> OperatorRefusalAsync(HttpContext context)
    {
        var access = context.RequestServices.GetRequiredService<RegistryAccess>();
        if (access.Control is not { } control) return null;
        string? user = null;
        if (RegistryAccess.BasicCredentials(context.Request) is var (name, password) && control.Authenticate(name, password)) user = name;
        else if (await access.BearerAsync(context.Request) is { IsAnonymous: false } claims) user = claims.Subject;
        if (user is null)
            return RegistryError.Unauthorized("sign in as an operator", $"Basic realm=\"{RegistryAccess.Service} operators\"");
        return control.IsOperator(user) ? null : RegistryError.Denied($"'{user}' is not an operator");
    }
}

/// <summary>Whether a manifest request may build; <see cref="Anonymous"/> decides between asking to sign in (401) and refusing (403).</summary>
public sealed record BuildPermission(bool Allowed, bool Anonymous)
{
    public static readonly BuildPermission Everyone = new(true, false);
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nixery.Access;

namespace Nixery.Frontend;

/// <summary>
/// <c>/token</c>, the token server of the distribution token specification.
/// <c>GET</c> takes Basic credentials (none: an anonymous token, when
/// anonymous access is on), <c>scope</c> (repeatable), <c>service</c>,
/// <c>account</c> and <c>offline_token</c>; <c>POST</c> is the OAuth2 form
/// (<c>grant_type=password</c> with <c>username</c>/<c>password</c>, or
/// <c>grant_type=refresh_token</c>), which containerd tries first and docker
/// uses with the refresh token it keeps after <c>docker login</c>. The token
/// grants what the policy allows out of what was asked; a user who may not
/// pull a repository gets a token without it and then a 403 from the
/// registry, as distribution does. Credentials and tokens are never logged.
/// </summary>
public sealed class TokenEndpoint(RegistryAccess access, ILogger<TokenEndpoint> logger)
{
    public async Task<IResult> GetAsync(HttpContext context)
    {
        if (access.Control is not { } control) return RegistryError.NotFound("/token");
        var query = context.Request.Query;
        if (WrongService(query["service"])) return WrongServiceError(query["service"]!);
        var scopes = ResourceScope.ParseAll(query["scope"]);

        string subject;
        if (RegistryAccess.BasicCredentials(context.Request) is var (user, password))
        {
            if (!control.Authenticate(user, password)) return BadCredentials(context, user);
            if (query["account"] is { Count: > 0 } account && account.ToString() != user)
                return RegistryError.Denied("the account does not match the credentials");
            subject = user;
        }
        else if (control.AllowsAnonymous)
        {
            subject = AccessControl.AnonymousSubject;
        }
        else
        {
            return Unauthorized(context, "authentication required: sign in with a user of this registry");
        }

        var offline = subject.Length > 0 && string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
        return await IssueAsync(context, control, subject, scopes, offline, oauth: false);
    }

    public async Task<IResult> PostAsync(HttpContext context)
    {
        if (access.Control is not { } control) return RegistryError.NotFound("/token");
        if (!context.Request.HasFormContentType) return new RegistryError(400, "UNSUPPORTED", "expected an application/x-www-form-urlencoded body");
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (WrongService(form["service"])) return WrongServiceError(form["service"]!);
        var scopes = ResourceScope.ParseAll(form["scope"]);
        var tokens = await access.TokensAsync(context.RequestAborted);

        string subject;
        switch (form["grant_type"].ToString())
        {
            case "password":
                var user = form["username"].ToString();
                if (!control.Authenticate(user, form["password"].ToString())) return BadCredentials(context, user);
                subject = user;
                break;
            case "refresh_token":
                var refresh = tokens.Verify(form["refresh_token"].ToString());
                if (refresh is not { IsRefresh: true } || !control.IsUser(refresh.Subject))
                    return Unauthorized(context, "the refresh token is invalid or expired: sign in again");
                subject = refresh.Subject;
                break;
            case var other:
                return new RegistryError(400, "UNSUPPORTED", $"grant_type '{other}' is not supported (supported: password, refresh_token)");
        }
        var offline = form["grant_type"] == "password" && form["access_type"] == "offline";
        return await IssueAsync(context, control, subject, scopes, offline, oauth: true);
    }

    private async Task<IResult> IssueAsync(HttpContext context, AccessControl control, string subject, IReadOnlyList<ResourceScope> scopes, bool offline, bool oauth)
    {
        var tokens = await access.TokensAsync(context.RequestAborted);
        var granted = control.Grant(subject, scopes);
        var lifetime = access.Options.TokenLifetime;
        var token = tokens.Issue(subject, granted, lifetime);
        logger.LogInformation("token issued to {Subject} for {Scopes}", subject.Length == 0 ? "(anonymous)" : subject, string.Join(' ', granted));
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["expires_in"] = (int)lifetime.TotalSeconds,
            ["issued_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        };
        // The GET form's clients read "token", OAuth2's read "access_token"; both carry the same value.
        if (!oauth) body["token"] = token;
        else body["scope"] = string.Join(' ', granted);
        if (offline) body["refresh_token"] = tokens.IssueRefresh(subject, access.Options.RefreshLifetime);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(body);
    }

    private IResult BadCredentials(HttpContext context, string user)
    {
        // The user name helps an operator; the password never leaves this method.
        logger.LogWarning("token refused: wrong credentials for {User}", user);
        return Unauthorized(context, "invalid user name or password");
    }

    private static RegistryError Unauthorized(HttpContext context, string message) =>
        RegistryError.Unauthorized(message, $"Basic realm=\"{RegistryAccess.Service}\"");

    private static bool WrongService(Microsoft.Extensions.Primitives.StringValues service) =>
        service.Count > 0 && service.ToString().Length > 0 && service.ToString() != RegistryAccess.Service;

    private static RegistryError WrongServiceError(string service) =>
        new(400, "UNSUPPORTED", $"this token server serves '{RegistryAccess.Service}', not '{service}'");
}

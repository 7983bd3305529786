using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Nixery.Access;
using Nixery.Storage;

namespace Nixery.Frontend;

/// <summary>
/// Who a request comes from and what it may do, for the registry API and
/// for the web pages. Off (everything allowed) unless
/// <c>NIXERY_AUTH_HTPASSWD</c> is set. The htpasswd and policy files are read
/// once at start; the signing key on first use (it may live on the storage
/// backend), and again after a failure.
/// </summary>
public sealed class RegistryAccess
{
    public const string Service = "nixery";

    private readonly AuthOptions _options;
    private readonly IBlobStore _store;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile RegistryTokens? _tokens;

    /// <summary>
    /// Tokens already verified, so a warm pull pays one dictionary lookup per
    /// request instead of a signature check. Bounded: cleared when it grows
    /// past its limit; expiry is checked on every hit.
    /// </summary>
    private readonly ConcurrentDictionary<string, TokenClaims> _verified = new(StringComparer.Ordinal);
    private const int VerifiedLimit = 10_000;

    public RegistryAccess(IOptions<AuthOptions> options, IBlobStore store, TimeProvider clock)
    {
        _options = options.Value;
        _store = store;
        _clock = clock;
        if (!_options.Enabled) return;
        var users = Htpasswd.Load(_options.HtpasswdFile);
        var policy = string.IsNullOrWhiteSpace(_options.PolicyFile) ? AccessPolicy.AllowAll : AccessPolicy.Load(_options.PolicyFile);
        Control = new AccessControl(users, policy, _options.Anonymous);
    }

    public bool Enabled => _options.Enabled;

    public AuthOptions Options => _options;

    /// <summary>The decisions; null when authentication is off.</summary>
    public AccessControl? Control { get; }

    public async Task<RegistryTokens> TokensAsync(CancellationToken cancellation)
    {
        if (_tokens is { } tokens) return tokens;
        await _loading.WaitAsync(cancellation);
        try
        {
            return _tokens ??= new RegistryTokens(await TokenKeyStore.LoadAsync(_options, _store, cancellation), _clock, Service);
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The claims of the request's bearer token, or null when it has none that is valid.</summary>
    public async Task<TokenClaims?> BearerAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var token = header["Bearer ".Length..].Trim();
        var now = _clock.GetUtcNow();
        if (_verified.TryGetValue(token, out var known))
            return now < known.Expires ? known : null;
        var claims = (await TokensAsync(request.HttpContext.RequestAborted)).Verify(token);
        if (claims is null || claims.IsRefresh) return null;
        if (_verified.Count >= VerifiedLimit) _verified.Clear();
        _verified[token] = claims;
        return claims;
    }

    /// <summary>User and password of a Basic <c>Authorization</c> header, if there is one.</summary>
    public static (string User, string Password)? BasicCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? null : (decoded[..colon], decoded[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Where clients get tokens. <c>NIXERY_EXTERNAL_URL</c> when set; else
    /// the request's own scheme and Host. The Host header is the client's
    /// choice: a forged one only misleads the client that forged it, unless
    /// a shared cache in front stores 401 responses, which is why a
    /// deployment behind a proxy should set the external URL.
    /// </summary>
    public string Realm(HttpRequest request)
    {
        var baseUrl = string.IsNullOrWhiteSpace(_options.ExternalUrl)
            ? $"{request.Scheme}://{request.Host.Value}"
            : _options.ExternalUrl.TrimEnd('/');
        return baseUrl + "/token";
    }

    /// <summary>A <c>WWW-Authenticate</c> Bearer challenge, with a scope when the request is about a repository.</summary>
    public string Challenge(HttpRequest request, ResourceScope? scope, string? error = null)
    {
        var challenge = new StringBuilder($"Bearer realm={Quote(Realm(request))},service={Quote(Service)}");
        if (scope is not null) challenge.Append($",scope={Quote(scope.ToString())}");
        if (error is not null) challenge.Append($",error={Quote(error)}");
        return challenge.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

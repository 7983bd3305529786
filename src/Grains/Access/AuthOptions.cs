namespace Nixery.Access;

/// <summary>Token authentication (<c>NIXERY_AUTH_*</c>); off unless an htpasswd file is configured.</summary>
public sealed class AuthOptions
{
    /// <summary>bcrypt htpasswd file; setting it turns authentication on.</summary>
    public string HtpasswdFile { get; set; } = "";

    /// <summary>PEM private key (P-256 or RSA) that signs tokens; empty: generated once and kept on the storage backend.</summary>
    public string KeyFile { get; set; } = "";

    public AnonymousAccess Anonymous { get; set; } = AnonymousAccess.None;

    /// <summary>Policy file (YAML or JSON); empty: every user may pull and build everything.</summary>
    public string PolicyFile { get; set; } = "";

    /// <summary>
    /// Base URL clients reach the registry at, for the token realm. Empty: taken
    /// from the request's scheme and Host header, which the client chooses.
    /// </summary>
    public string ExternalUrl { get; set; } = "";

    public int TokenLifetimeSeconds { get; set; } = 300;

    /// <summary>How long an OAuth2 refresh token (what <c>docker login</c> keeps) stays valid.</summary>
    public int RefreshLifetimeHours { get; set; } = 24 * 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(HtpasswdFile);

    public TimeSpan TokenLifetime => TimeSpan.FromSeconds(TokenLifetimeSeconds);

    public TimeSpan RefreshLifetime => TimeSpan.FromHours(RefreshLifetimeHours);
}

namespace Nixery.Access;

/// <summary>What clients without credentials may do when authentication is on (<c>NIXERY_AUTH_ANONYMOUS</c>).</summary>
public enum AnonymousAccess
{
    /// <summary>Nothing: every request needs a signed-in user.</summary>
    None,

    /// <summary>Pull images that are already built (or being built), never start a build.</summary>
    Cached,

    /// <summary>Pull and build anything, as without authentication, but with tokens.</summary>
    All,
}

namespace Nixery.Processes;

/// <summary>
/// The environment every child process (nix, git, tar) starts with: only the
/// variables these programs need, copied from the registry's own environment.
/// Everything else (storage and cloud credentials, connection strings, the
/// silo's settings) stays behind, because a package set can read its
/// evaluator's environment (<c>builtins.getEnv</c>) and put it into an error
/// message a client sees (issue 8).
/// </summary>
public static class ChildEnvironment
{
    /// <summary>
    /// NIX_PATH is left out on purpose: the registry passes every expression
    /// by path, and under restrict-eval each search-path entry widens what a
    /// package set may read.
    /// </summary>
    public static readonly IReadOnlyList<string> Allowed =
    [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "LC_ALL", "LC_CTYPE",
        "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
        "NIX_CONF_DIR", "NIX_CONFIG", "NIX_USER_CONF_FILES", "NIX_REMOTE", "NIX_STORE_DIR", "NIX_STATE_DIR",
        "NIX_LOG_DIR", "NIX_DATA_DIR", "NIX_SSL_CERT_FILE",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "GIT_EXEC_PATH",
        "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
    ];

    /// <summary>The allowed variables of <paramref name="parent"/>, then <paramref name="overrides"/> (null removes).</summary>
    public static Dictionary<string, string> For(Func<string, string?> parent, IReadOnlyDictionary<string, string?>? overrides)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Allowed)
        {
            if (parent(name) is { } value) environment[name] = value;
        }
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null) environment.Remove(name);
            else environment[name] = value;
        }
        return environment;
    }
}

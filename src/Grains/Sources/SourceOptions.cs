namespace Nixery.Sources;

/// <summary>Where packages come from. Exactly one of Path, Repository and Channel is set.</summary>
public sealed class SourceOptions
{
    public const string GitHubArchive = "https://github.com/NixOS/nixpkgs/archive/";

    /// <summary><c>NIXERY_PKGS_PATH</c>: a directory (entry point default.nix) or a file.</summary>
    public string? Path { get; set; }

    /// <summary><c>NIXERY_PKGS_REPO</c>: a git repository URL.</summary>
    public string? Repository { get; set; }

    /// <summary><c>NIXERY_CHANNEL</c>: a nixpkgs channel name or commit, the revision of the tag "latest".</summary>
    public string? Channel { get; set; }

    /// <summary><c>NIXERY_CHANNEL_URL</c>: where <c>&lt;channel or commit&gt;.tar.gz</c> is downloaded from.</summary>
    public string ChannelUrl { get; set; } = GitHubArchive;

    /// <summary><c>NIXERY_DEFAULT_TAG</c>: the git ref (branch, tag or commit) that "latest" means; else the remote's HEAD.</summary>
    public string? DefaultTag { get; set; }

    /// <summary>
    /// Seconds a resolved revision is reused before the source is asked again
    /// (a path re-hashed, a branch looked up, a channel re-checked). A pinned
    /// revision (a commit) is never asked again.
    /// </summary>
    public int RefreshSeconds { get; set; } = 10;

    /// <summary><c>NIXERY_SOURCE_TIMEOUT</c>: seconds one fetch of a repository or tarball may take.</summary>
    public int TimeoutSeconds { get; set; } = 600;

    /// <summary><c>NIXERY_SOURCE_CACHE</c>: where git mirrors and downloads are kept.</summary>
    public string CachePath { get; set; } = "";

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan Refresh => TimeSpan.FromSeconds(RefreshSeconds);
}

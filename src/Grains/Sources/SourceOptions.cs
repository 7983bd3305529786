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

    /// <summary>
    /// <c>NIXERY_ALLOWED_REFS</c>: the git refs (full names, globs) whose
    /// commits may be built; a commit named by its hash must be reachable from
    /// one of them. Only branches and tags are ever fetched, so pull-request
    /// refs never qualify.
    /// </summary>
    /// (Unset rather than defaulted: binding appends to a list that has items.)
    public List<string>? AllowedRefs { get; set; }

    /// <summary><c>NIXERY_ALLOWED_CHANNELS</c>: channel names (globs) a tag may select besides <c>NIXERY_CHANNEL</c>.</summary>
    public List<string>? AllowedChannels { get; set; }

    public GlobList RefPatterns => new(AllowedRefs ?? ["refs/heads/*", "refs/tags/*"]);

    public GlobList ChannelPatterns => new(AllowedChannels ?? ["nixos-*", "nixpkgs-*"]);

    /// <summary>
    /// <c>NIXERY_ALLOW_COMMITS</c>: whether a tag may name a nixpkgs commit.
    /// GitHub's archive serves commits of forks and pull requests under the
    /// upstream repository's URL, so a commit proves nothing about who wrote it.
    /// </summary>
    public bool AllowCommits { get; set; }

    /// <summary><c>NIXERY_SOURCE_CACHE_SIZE</c>: MiB of imported package-set trees one silo keeps in its Nix store (<see cref="SourceStoreBudget"/>).</summary>
    public long CacheSizeMegabytes { get; set; } = 10240;

    /// <summary><c>NIXERY_SOURCE_MAX_SIZE</c>: MiB a package-set tarball may unpack to.</summary>
    public long MaxSizeMegabytes { get; set; } = 2048;

    /// <summary><c>NIXERY_MAX_SOURCE_FETCHES</c>: tarball downloads one silo runs at once; more wait.</summary>
    public int MaxConcurrentFetches { get; set; } = 2;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan Refresh => TimeSpan.FromSeconds(RefreshSeconds);
}

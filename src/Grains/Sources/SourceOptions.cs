namespace Nixery.Sources;

/// <summary>Where packages come from. Exactly one of Path, Repository and Channel is set.</summary>
public sealed class SourceOptions
{
    /// <summary><c>NIXERY_PKGS_PATH</c>: a directory (entry point default.nix) or a file.</summary>
    public string? Path { get; set; }

    /// <summary><c>NIXERY_PKGS_REPO</c>: a git repository URL.</summary>
    public string? Repository { get; set; }

    /// <summary><c>NIXERY_CHANNEL</c>: a nixpkgs channel name or commit.</summary>
    public string? Channel { get; set; }

    /// <summary>
    /// Seconds a resolved revision is reused before the source is asked again
    /// (a path re-hashed, a branch looked up). A pinned revision never changes.
    /// </summary>
    public int RefreshSeconds { get; set; } = 10;

    public string Describe() =>
        Path is not null ? $"NIXERY_PKGS_PATH={Path}"
        : Repository is not null ? $"NIXERY_PKGS_REPO={Repository}"
        : Channel is not null ? $"NIXERY_CHANNEL={Channel}"
        : "no package source";
}

namespace Nixery.Nix;

/// <summary>How Nix is run. Nix's own settings come from its environment (NIX_CONF_DIR …).</summary>
public sealed class NixOptions
{
    /// <summary>
    /// Seconds one builder may run (<c>NIX_TIMEOUT</c>, passed to Nix's
    /// <c>--timeout</c> as Nixery does).
    /// </summary>
    public int BuilderTimeoutSeconds { get; set; } = 60;

    /// <summary>
    /// Seconds a whole image build may take: evaluation, fetching, every
    /// builder and packing. Nixery had no such bound.
    /// </summary>
    public int BuildTimeoutSeconds { get; set; } = 1200;

    /// <summary>Where GC roots for served closures are kept (one directory per image).</summary>
    public string GcRootsPath { get; set; } = "";

    /// <summary>How many log lines of a failed builder are shown to the client.</summary>
    public int LogLines { get; set; } = 20;

    /// <summary>Nix builds this silo runs at once; more wait their turn.</summary>
    public int MaxConcurrentBuilds { get; set; } = 4;

    /// <summary>
    /// <c>NIXERY_MAX_QUEUED_BUILDS</c>: builds that may wait for a slot on one
    /// silo; beyond that a pull is refused with 429 instead of queueing work
    /// without bound.
    /// </summary>
    public int MaxQueuedBuilds { get; set; } = 64;

    /// <summary><c>NIXERY_MAX_IMAGE_SIZE</c>: MiB of store paths (NAR sizes of the runtime closure) one image may hold.</summary>
    public long MaxImageSizeMegabytes { get; set; } = 10240;

    /// <summary><c>NIXERY_SANDBOX</c>: <c>auto</c> (when the host can create the sandbox's namespaces), <c>true</c> or <c>false</c>.</summary>
    public string Sandbox { get; set; } = NixConfinement.Auto;

    /// <summary><c>NIXERY_BUILD_USERS_GROUP</c>: <c>auto</c> (<c>nixbld</c> when running as root and it exists), a group, or empty for none.</summary>
    public string BuildUsersGroup { get; set; } = NixConfinement.Auto;

    public TimeSpan BuildTimeout => TimeSpan.FromSeconds(BuildTimeoutSeconds);
}

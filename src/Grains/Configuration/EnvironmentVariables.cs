using Nixery.Access;
using Nixery.Collection;
using Nixery.Naming;
using Nixery.Nix;
using Nixery.Storage;
using Nixery.Layering;
using Nixery.Sources;

namespace Nixery.Configuration;

/// <summary>
/// Every environment variable of the registry, in one table: configuration
/// binding and start-up validation come from here, and a test holds the
/// README's configuration table to it (names and defaults).
/// </summary>
/// <remarks>
/// To add a variable: give the options class a property with its default,
/// add a row here whose default is <c>Value&lt;TheOptions&gt;(o =&gt; o.Property)</c>
/// (words only for a default computed at start), and add the row to the
/// README's table.
/// </remarks>
public static class EnvironmentVariables
{
    public const string Section = "Nixery";

    public static readonly IReadOnlyList<EnvironmentVariable> All =
    [
        new("PORT", "Nixery:Port", Value<RegistryOptions>(o => o.Port), "Port the registry's HTTP API listens on (all interfaces).", Checks.Port),
        new("NIXERY_PKGS_PATH", "Nixery:Source:Path", "", "Package set on disk: a directory (entry point `default.nix`) or a `.nix` file.", Checks.ExistingPath),
        new("NIXERY_PKGS_REPO", "Nixery:Source:Repository", "", "Package set in a git repository (any URL git understands); the image tag selects the revision.", Checks.Any),
        new("NIXERY_DEFAULT_TAG", "Nixery:Source:DefaultTag", "the repository's HEAD", "The git branch, tag or commit that the image tag `latest` means.", Checks.Any),
        new("NIXERY_CHANNEL", "Nixery:Source:Channel", "", "nixpkgs channel or commit fetched as a tarball; the revision of `latest`, other tags name other channels or commits.", Checks.Any),
        new("NIXERY_CHANNEL_URL", "Nixery:Source:ChannelUrl", Value<SourceOptions>(o => o.ChannelUrl), "Where `<channel or commit>.tar.gz` is downloaded from.", Checks.HttpUrl),
        new("NIXERY_ALLOWED_REFS", "Nixery:Source:AllowedRefs", Value<SourceOptions>(o => o.RefPatterns.Patterns), "Git: refs (full names, `*` and `?` globs) whose commits may be built; a commit named by hash must be reachable from one. Only branches and tags are fetched, never `refs/pull/*`.", Checks.Any, IsList: true),
        new("NIXERY_ALLOWED_CHANNELS", "Nixery:Source:AllowedChannels", Value<SourceOptions>(o => o.ChannelPatterns.Patterns), "Channel: channel names (globs) a tag may select besides `NIXERY_CHANNEL`.", Checks.Any, IsList: true),
        new("NIXERY_ALLOW_COMMITS", "Nixery:Source:AllowCommits", Value<SourceOptions>(o => o.AllowCommits), "Channel: whether a tag may name a nixpkgs commit (GitHub serves commits of forks and pull requests under the same URL).", Checks.Boolean),
        new("NIXERY_SOURCE_MAX_SIZE", "Nixery:Source:MaxSizeMegabytes", Value<SourceOptions>(o => o.MaxSizeMegabytes), "MiB a package-set tarball may unpack to; a larger one is refused before it is unpacked.", Checks.PositiveInteger),
        new("NIXERY_MAX_SOURCE_FETCHES", "Nixery:Source:MaxConcurrentFetches", Value<SourceOptions>(o => o.MaxConcurrentFetches), "Tarball downloads one silo runs at once; more wait.", Checks.PositiveInteger),
        new("NIXERY_SOURCE_TIMEOUT", "Nixery:Source:TimeoutSeconds", Value<SourceOptions>(o => o.TimeoutSeconds), "Seconds one fetch of a repository or tarball may take.", Checks.PositiveInteger),
        new("NIXERY_SOURCE_CACHE", "Nixery:Source:CachePath", "`$TMPDIR/nixery/sources`", "Where git mirrors and downloaded tarballs are kept.", Checks.Any),
        new("NIXERY_SOURCE_CACHE_SIZE", "Nixery:Source:CacheSizeMegabytes", Value<SourceOptions>(o => o.CacheSizeMegabytes), "MiB of imported package-set trees (one per revision asked for) a silo keeps in its Nix store; beyond it the least recently used ones not in use are deleted from the store.", Checks.PositiveInteger),
        new("NIXERY_SOURCE_REFRESH", "Nixery:Source:RefreshSeconds", Value<SourceOptions>(o => o.RefreshSeconds), "Seconds a resolved tag (a hashed path, a branch head) is reused before the source is asked again.", Checks.NonNegativeInteger),
        new("NIXERY_STORAGE_BACKEND", "Nixery:Storage:Backend", Value<StorageOptions>(o => o.Backend), "Where blobs and state live: `filesystem`, `gcs`, `azure` or `s3`.", Checks.OneOf("filesystem", "gcs", "azure", "s3")),
        new("STORAGE_PATH", "Nixery:Storage:Path", "", "Root directory of the filesystem backend (required for it).", Checks.Any),
        new("NIXERY_STORAGE_REDIRECTS", "Nixery:Storage:Delivery:Redirects", Value<StorageOptions>(o => o.Delivery.Redirects), "Object storage: redirect clients to short-lived signed URLs (`true`) or stream blobs through the registry (`false`).", Checks.Boolean),
        new("NIXERY_REDIRECT_LIFETIME", "Nixery:Storage:Delivery:RedirectLifetimeSeconds", Value<StorageOptions>(o => o.Delivery.RedirectLifetimeSeconds), "Seconds a signed blob URL stays valid.", Checks.IntegerBetween(1, 604800)),
        new("NIXERY_REDIRECT_RECHECK", "Nixery:Storage:Delivery:RedirectRecheckSeconds", Value<StorageOptions>(o => o.Delivery.RedirectRecheckSeconds), "Seconds a blob named by a cached manifest is redirected to without asking storage whether it still exists; then the next request asks, and a lost blob is stored again. `0`: always ask.", Checks.NonNegativeInteger),
        new("GCS_BUCKET", "Nixery:Storage:Gcs:Bucket", "", "Bucket of the gcs backend (required for it).", Checks.Any),
        new("GOOGLE_APPLICATION_CREDENTIALS", "Nixery:Storage:Gcs:CredentialsFile", "", "Service-account key file of the gcs backend; signs redirect URLs. Unset: Application Default Credentials, blobs proxied.", Checks.ExistingFile),
        new("NIXERY_GCS_ENDPOINT", "Nixery:Storage:Gcs:Endpoint", "", "JSON API base URI (`…/storage/v1/`) of a server standing in for Google's.", Checks.HttpUrl),
        new("NIXERY_AZURE_CONNECTION_STRING", "Nixery:Storage:Azure:ConnectionString", "", "Connection string of the azure backend (required for it); with an account key, redirects carry a SAS.", Checks.Any),
        new("NIXERY_AZURE_CONTAINER", "Nixery:Storage:Azure:Container", Value<StorageOptions>(o => o.Azure.Container), "Container of the azure backend; created if missing.", Checks.Any),
        new("S3_BUCKET", "Nixery:Storage:S3:Bucket", "", "Bucket of the s3 backend (required for it).", Checks.Any),
        new("AWS_REGION", "Nixery:Storage:S3:Region", Value<StorageOptions>(o => o.S3.Region), "Region of the s3 backend.", Checks.Any),
        new("S3_USE_PRESIGNED_URLS", "Nixery:Storage:S3:UsePresignedUrls", Value<StorageOptions>(o => o.S3.UsePresignedUrls), "s3 backend: redirect to presigned URLs (`true`) or proxy blobs (`false`).", Checks.Boolean),
        new("NIXERY_S3_ENDPOINT", "Nixery:Storage:S3:Endpoint", "", "URL of an S3-compatible server instead of AWS (path-style addressing).", Checks.HttpUrl),
        new("NIX_TIMEOUT", "Nixery:Nix:BuilderTimeoutSeconds", Value<NixOptions>(o => o.BuilderTimeoutSeconds), "Seconds one Nix builder may run (Nix's `--timeout`, as in Nixery).", Checks.PositiveInteger),
        new("NIXERY_BUILD_TIMEOUT", "Nixery:Nix:BuildTimeoutSeconds", Value<NixOptions>(o => o.BuildTimeoutSeconds), "Seconds a whole image build may take: evaluation, builds, packing.", Checks.PositiveInteger),
        new("NIXERY_MAX_CONCURRENT_BUILDS", "Nixery:Nix:MaxConcurrentBuilds", Value<NixOptions>(o => o.MaxConcurrentBuilds), "Nix builds one silo runs at once; further builds queue.", Checks.PositiveInteger),
        new("NIXERY_MAX_QUEUED_BUILDS", "Nixery:Nix:MaxQueuedBuilds", Value<NixOptions>(o => o.MaxQueuedBuilds), "Builds that may wait for a slot on one silo; more get `429 TOOMANYREQUESTS` with `Retry-After`.", Checks.NonNegativeInteger),
        new("NIXERY_MAX_IMAGE_SIZE", "Nixery:Nix:MaxImageSizeMegabytes", Value<NixOptions>(o => o.MaxImageSizeMegabytes), "MiB of store paths (the runtime closure's NAR size) one image may hold; larger is `403 DENIED`.", Checks.PositiveInteger),
        new("NIXERY_SANDBOX", "Nixery:Nix:Sandbox", Value<NixOptions>(o => o.Sandbox), "Nix builds in its sandbox: `auto` (when the host can create the sandbox's namespaces, checked once), `true` or `false`. Never falls back silently.", Checks.OneOf("auto", "true", "false")),
        new("NIXERY_BUILD_USERS_GROUP", "Nixery:Nix:BuildUsersGroup", Value<NixOptions>(o => o.BuildUsersGroup), "Group of Nix's build users: `auto` (`nixbld` when running as root and it exists), a group name, or empty for none.", Checks.Any),
        new("NIXERY_GC_ROOTS", "Nixery:Nix:GcRootsPath", "`STORAGE_PATH/gcroots`", "Directory of Nix GC roots that keep served closures in the store.", Checks.Any),
        new("NIXERY_LOG_LINES", "Nixery:Nix:LogLines", Value<NixOptions>(o => o.LogLines), "Lines of a failed builder's log shown in the registry error.", Checks.PositiveInteger),
        new("NIXERY_SHELL_PACKAGES", "Nixery:Naming:ShellPackages", Value<NamingOptions>(o => o.ShellPackages), "What the meta-package `shell` expands to (comma-separated).", Checks.Any, IsList: true),
        new("NIXERY_DEFAULT_PACKAGES", "Nixery:Naming:DefaultPackages", Value<NamingOptions>(o => o.DefaultPackages), "Packages added to every image (comma-separated; empty for none).", Checks.Any, IsList: true),
        new("NIXERY_MAX_PACKAGES", "Nixery:Naming:MaxPackages", Value<NamingOptions>(o => o.MaxPackages), "Packages one image may ask for, the added ones (`shell`, defaults) included; more is `403 DENIED` before anything is fetched.", Checks.PositiveInteger),
        new("NIXERY_LAYERING", "Nixery:Layering:Strategy", Value<LayeringOptions>(o => o.Strategy), "Layering strategy: `stable` (default), `nixery` (Nixery's algorithm) or `popularity` (dockerTools').", Checks.OneOf([.. new LayeringStrategies().Names])),
        new("NIXERY_LAYER_BUDGET", "Nixery:Layering:Budget", Value<LayeringOptions>(o => o.Budget), "Most store-path layers per image; the customisation layer comes on top.", Checks.IntegerBetween(1, 125)),
        new("NIX_POPULARITY_URL", "Nixery:Layering:PopularityUrl", "", "URL of popularity data in Nixery's format, fetched once at start.", Checks.HttpUrl),
        new("NIXERY_POPULARITY_FILE", "Nixery:Layering:PopularityFile", "", "The same popularity data from a local file.", Checks.ExistingFile),
        new("NIXERY_CLUSTERING", "Nixery:Cluster:Clustering", Value<NixeryClusterOptions>(o => o.Clustering), "How silos find each other: `localhost` (one process), `redis` or `azuretable`.", Checks.OneOf(ClusterProviders.Clustering)),
        new("NIXERY_CLUSTERING_CONNECTION", "Nixery:Cluster:Connection", "", "Connection string of the membership store: `host:port` for Redis (`host:port,password=…` when it requires one, as `deploy/` runs it; a refused password stops the process at start-up), an Azure Storage connection string for Azure Table.", Checks.Any),
        new("NIXERY_GRAIN_STORAGE", "Nixery:Cluster:GrainStorage", Value<NixeryClusterOptions>(o => o.GrainStorage), "Where grain state lives: `storage` (the storage backend), `redis`, `azureblob` or `azuretable`.", Checks.OneOf(ClusterProviders.GrainStorage)),
        new("NIXERY_GRAIN_STORAGE_CONNECTION", "Nixery:Cluster:GrainStorageConnection", "`NIXERY_CLUSTERING_CONNECTION`", "Connection string for grain state, when it is not the storage backend.", Checks.Any),
        new("NIXERY_SILO_PORT", "Nixery:Cluster:SiloPort", Value<NixeryClusterOptions>(o => o.SiloPort), "Port for silo-to-silo traffic.", Checks.Port),
        new("NIXERY_GATEWAY_PORT", "Nixery:Cluster:GatewayPort", Value<NixeryClusterOptions>(o => o.GatewayPort), "Port Orleans clients (separate frontends) connect to.", Checks.Port),
        new("NIXERY_ADVERTISED_ADDRESS", "Nixery:Cluster:AdvertisedAddress", "loopback, or `POD_IP`", "IP address other silos and frontends reach this silo at.", Checks.IpAddress),
        new("NIXERY_TLS_CERTIFICATE", "Nixery:Cluster:TlsCertificate", "", "The cluster's certificate (`.pfx`/`.p12`, or PEM with certificate and key): TLS with mutual authentication between silos and for frontends, which must all present this certificate. Unset: no TLS (one process).", Checks.ExistingFile),
        new("NIXERY_TLS_CERTIFICATE_PASSWORD", "Nixery:Cluster:TlsCertificatePassword", "", "Password of `NIXERY_TLS_CERTIFICATE`, if it has one.", Checks.Any),
        new("NIXERY_CLUSTER_ID", "Nixery:Cluster:ClusterId", Value<NixeryClusterOptions>(o => o.ClusterId), "Orleans cluster id; silos and frontends of one deployment share it.", Checks.Any),
        new("NIXERY_SERVICE_ID", "Nixery:Cluster:ServiceId", Value<NixeryClusterOptions>(o => o.ServiceId), "Orleans service id; stays the same across deployments.", Checks.Any),
        new("NIXERY_COLD_BUILDS_PER_CLIENT", "Nixery:ColdBuildsPerClient", Value<RegistryOptions>(o => o.ColdBuildsPerClient), "Builds one client IP address may start per minute (warm pulls and joining a build under way are free); more get `429 TOOMANYREQUESTS`. `0`: no limit.", Checks.NonNegativeInteger),
        new("NIXERY_LOG_FORMAT", "Nixery:LogFormat", Value<RegistryOptions>(o => o.LogFormat), "`text`, or `json` for one structured JSON object per line (with the image key of builds).", Checks.OneOf("text", "json")),
        new("NIXERY_GC_INTERVAL", "Nixery:Collection:IntervalHours", Value<CollectionOptions>(o => o.IntervalHours), "Hours between scheduled garbage collections, run by one silo of the cluster at a time; `0`: only when `Nixery.Silo gc` is run.", Checks.NonNegativeNumber),
        new("NIXERY_GC_RETENTION", "Nixery:Collection:RetentionDays", Value<CollectionOptions>(o => o.RetentionDays), "Days an image is kept after it was last pulled.", Checks.NonNegativeNumber),
        new("NIXERY_GC_GRACE", "Nixery:Collection:GraceMinutes", Value<CollectionOptions>(o => o.GraceMinutes), "Minutes a blob must stay unreferenced, across two collections, before it is deleted; must be longer than NIXERY_BUILD_TIMEOUT.", Checks.NonNegativeNumber),
        new("NIXERY_AUTH_HTPASSWD", "Nixery:Auth:HtpasswdFile", "", "htpasswd file of bcrypt entries (`htpasswd -B`); setting it turns token authentication on.", Checks.ExistingFile),
        new("NIXERY_AUTH_KEY_FILE", "Nixery:Auth:KeyFile", "generated", "PEM private key (P-256 for ES256, or RSA ≥ 2048 bits for RS256) that signs tokens; unset: one is generated and kept on the storage backend.", Checks.ExistingFile),
        new("NIXERY_AUTH_ANONYMOUS", "Nixery:Auth:Anonymous", Value<AuthOptions>(o => o.Anonymous.ToString().ToLowerInvariant()), "With authentication on, what clients without credentials may do: `none`, `cached` (pull images already built) or `all`.", Checks.OneOf("none", "cached", "all")),
        new("NIXERY_AUTH_POLICY", "Nixery:Auth:PolicyFile", "", "Policy file (YAML or JSON): which users and groups may pull and build which names and tags, and who are operators; unset: every user may do everything.", Checks.ExistingFile),
        new("NIXERY_AUTH_TOKEN_LIFETIME", "Nixery:Auth:TokenLifetimeSeconds", Value<AuthOptions>(o => o.TokenLifetimeSeconds), "Seconds an access token is valid.", Checks.IntegerBetween(10, 86400)),
        new("NIXERY_EXTERNAL_URL", "Nixery:Auth:ExternalUrl", "from the request", "Base URL clients reach the registry at (`https://registry.example.com`), for the token realm and the web page's pull commands; unset: taken from the request's Host header.", Checks.HttpUrl),
        new("NIXERY_WEB_BUILDS", "Nixery:Web:ShowBuilds", Value<WebOptions>(o => o.ShowBuilds), "Serve `/builds`, the operators' list of recent builds and failures with their logs (only to operators when authentication is on).", Checks.Boolean),
        new("NIXERY_FAILURE_BACKOFF", "Nixery:Build:FailureBackoffSeconds", Value<BuildPolicy>(o => o.FailureBackoffSeconds), "Seconds a failed build's error is returned before the next request builds again.", Checks.NonNegativeInteger),
    ];

    public static EnvironmentVariable Named(string name) => All.Single(v => v.Name == name);

    /// <summary>The variable's configured value, else its literal default (null when it has none).</summary>
    public static string? Current(Microsoft.Extensions.Configuration.IConfiguration configuration, string name)
    {
        var variable = Named(name);
        return configuration[variable.Key] ?? (variable.Default.Literal ? variable.Default.Text : null);
    }

    private static DefaultValue Value<TOptions>(Func<TOptions, object> read) where TOptions : new() => DefaultValue.Of(read(new TOptions()));

    /// <summary>Configuration entries for the variables present in <paramref name="environment"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ToConfiguration(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var variable in All)
        {
            if (!environment.TryGetValue(variable.Name, out var value)) continue;
            if (!variable.IsList)
            {
                yield return new(variable.Key, value);
                continue;
            }
            var items = value.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // An empty list is a value too (no default packages); binding
            // treats a key with an empty string as an empty collection.
            if (items.Length == 0) yield return new(variable.Key, "");
            for (var i = 0; i < items.Length; i++) yield return new($"{variable.Key}:{i}", items[i]);
        }
    }
}

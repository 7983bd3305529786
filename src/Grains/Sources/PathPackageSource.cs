using Microsoft.Extensions.Options;

namespace Nixery.Sources;

/// <summary>
/// A package set on disk. The path is copied into the Nix store, whose path
/// hash pins its exact content: a changed checkout gives a new revision and
/// so a new image, and the build reads exactly the content that was hashed.
/// A path has one revision at a time, so it serves only the tag "latest"
/// (Nixery served every tag alike, so a typo in a tag silently built an image).
/// </summary>
public sealed class PathPackageSource(SourceImporter importer, IOptions<SourceOptions> options, TimeProvider clock) : IPackageSource
{
    public const string LatestTag = "latest";

    private readonly string _path = options.Value.Path ?? throw new InvalidOperationException("NIXERY_PKGS_PATH is not set");
    private readonly ExpiringSingleFlight<SourceRevision> _revision = new(options.Value.Refresh, clock);

    public Task<SourceRevision> ResolveAsync(string tag, CancellationToken cancellation)
    {
        if (tag != LatestTag)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                $"unknown tag '{tag}': the package set at a path has only the tag '{LatestTag}'"));
        }
        return _revision.GetAsync(ImportAsync, cancellation);
    }

    public Task<SourceRevision> RestoreAsync(SourceRevision revision, CancellationToken cancellation) => ImportAsync(cancellation);

    public TimeSpan LifetimeOf(string tag) => options.Value.Refresh;

    public Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlyList<string>>([LatestTag]);

    private Task<SourceRevision> ImportAsync(CancellationToken cancellation) => importer.ImportAsync("path", null, _path, cancellation);
}

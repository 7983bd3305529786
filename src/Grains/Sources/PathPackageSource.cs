using System.Text.Json;
using Microsoft.Extensions.Options;
using Nixery.Nix;

namespace Nixery.Sources;

/// <summary>
/// A package set on disk. The path is copied into the Nix store, whose path
/// hash pins its exact content: a changed checkout gives a new revision and
/// so a new image, and the build reads exactly the content that was hashed.
/// A path has one revision at a time, so it serves only the tag "latest"
/// (Nixery served every tag alike, so a typo in a tag silently built an image).
/// </summary>
public sealed class PathPackageSource(NixBuilder nix, IOptions<SourceOptions> options, TimeProvider clock) : IPackageSource
{
    public const string LatestTag = "latest";

    private readonly string _path = options.Value.Path ?? throw new InvalidOperationException("NIXERY_PKGS_PATH is not set");
    private readonly ExpiringSingleFlight<SourceRevision> _revision = new(TimeSpan.FromSeconds(options.Value.RefreshSeconds), clock);

    public Task<SourceRevision> ResolveAsync(string tag, CancellationToken cancellation)
    {
        if (tag != LatestTag)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.UnknownRevision,
                $"unknown tag '{tag}': the package set at a path has only the tag '{LatestTag}'"));
        }
        return _revision.GetAsync(ImportAsync, cancellation);
    }

    public Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation) => Task.FromResult<IReadOnlyList<string>>([LatestTag]);

    private async Task<SourceRevision> ImportAsync(CancellationToken cancellation)
    {
        var storePath = await nix.ImportPathAsync(_path, cancellation);
        var hash = System.IO.Path.GetFileName(storePath).Split('-', 2)[0];
        return new SourceRevision("path", hash, JsonSerializer.Serialize(new { type = "path", path = storePath }));
    }
}

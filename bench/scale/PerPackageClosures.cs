using System.Collections.Concurrent;
using Nixery.Layering;
using Nixery.Nix;

namespace Nixery.Bench.Scale;

/// <summary>
/// Nix, asked once per package instead of once per image. The runtime
/// closure of a set of packages is the union of each package's closure (a
/// closure is everything reachable from the roots), so an image of any
/// subset of packages gets exactly the closure and roots Nix would report
/// for it, without evaluating the package set again. Everything after Nix
/// (layering, packing, manifests, grain state, storage) is the registry's own.
/// </summary>
public sealed class PerPackageClosures(IClosureBuilder nix) : IClosureBuilder
{
    private readonly ConcurrentDictionary<string, Lazy<Task<NixBuild>>> _packages = new();

    public async Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation)
    {
        var parts = await Task.WhenAll(request.Packages.Select(package =>
        {
            var alone = request with { Packages = [package] };
            // Kept alive by the GC root of the first image that needed the package, as long as the bench runs.
            return _packages.GetOrAdd(alone.Key(), _ => new Lazy<Task<NixBuild>>(() => nix.BuildAsync(alone, gcRoot, CancellationToken.None))).Value;
        }));
        var roots = parts.SelectMany(p => p.PackageRoots).Distinct().ToList();
        var paths = parts.SelectMany(p => p.Graph.Paths.Values).DistinctBy(p => p.Path);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var meta = new Dictionary<string, Sbom.PackageMeta>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (path, output) in await part.Outputs) outputs.TryAdd(path, output);
            foreach (var (path, m) in part.Meta) meta.TryAdd(path, m);
        }
        return new NixBuild(new ClosureGraph(paths, roots), roots) { Outputs = Task.FromResult<IReadOnlyDictionary<string, string>>(outputs), Meta = meta };
    }
}

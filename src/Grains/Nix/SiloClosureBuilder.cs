using System.Diagnostics;
using Nixery.Metrics;
using Nixery.Sources;

namespace Nixery.Nix;

/// <summary>
/// The closure builder of a silo: the revision goes into this silo's own
/// store first, wherever its tag was resolved, then Nix builds from it.
/// </summary>
public sealed class SiloClosureBuilder(RevisionImports revisions, NixBuilder nix, RegistryMetrics? metrics = null) : IClosureBuilder
{
    public async Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        using var source = await revisions.UseAsync(request.Source, cancellation);
        metrics?.Stage("revision", started);
        return await nix.BuildAsync(request, gcRoot, cancellation);
    }
}

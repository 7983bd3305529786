using Nixery.Configuration;
using Nixery.Layering;
using Nixery.Nix;
using Nixery.Sources;

namespace Nixery.Silo.Commands;

/// <summary>
/// <c>Nixery.Silo popularity [FILE]</c>: computes popularity data in
/// Nixery's format from the configured package set, without network: every
/// derivation of the set is built where it can be (failures are skipped)
/// and, as Nixery's popcount does for a channel, each name counts the store
/// paths that refer to it. The file serves NIXERY_POPULARITY_FILE.
/// </summary>
public static class PopularityCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string? output, CancellationToken cancellation)
    {
        var source = services.GetRequiredService<IPackageSource>();
        var nix = services.GetRequiredService<NixBuilder>();
        try
        {
            var revision = await source.ResolveAsync(PathPackageSource.LatestTag, cancellation);
            var packages = await nix.ListPackagesAsync(revision, Platform.Amd64, cancellation);
            Console.Error.WriteLine($"nixery: {packages.Count} packages in {revision.Kind}:{revision.Id}; building what builds");
            var built = await nix.RealiseWhatBuildsAsync(packages.Select(p => p.DrvPath).Distinct().ToArray(), cancellation);
            var closure = await nix.ClosureAsync(built, cancellation);
            var popularity = PopularityCounter.Count([closure]);
            Console.Error.WriteLine($"nixery: {closure.Paths.Count} store paths from {built.Count} outputs; {popularity.Counts.Count} names referenced more than once");

            await using var stream = output is null ? Console.OpenStandardOutput() : File.Create(output);
            await PopularityFile.WriteAsync(stream, popularity, cancellation);
            return 0;
        }
        catch (BuildFailedException e)
        {
            Console.Error.WriteLine($"nixery: popularity: {e.Error.Message}");
            return 1;
        }
    }

    /// <summary>The services a command needs: the pipeline without a silo.</summary>
    public static IServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection()
            .AddLogging()
            .AddNixeryStorage(configuration)
            .AddNixeryPipeline(configuration, new PopularitySource(Popularity.None))
            .BuildServiceProvider();
}

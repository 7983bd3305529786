using Microsoft.Extensions.Options;
using Nixery.Images;
using Nixery.Metrics;
using Nixery.Naming;
using Nixery.Nix;
using Nixery.Sources;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Resolves pulls on the silo that receives them. A stateless worker: no
/// state, no single owner, as many activations as there are callers.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ResolverGrain(
    ImageNameParser names,
    IOptions<NamingOptions> naming,
    IPackageSource source,
    ImageRecipe recipe,
    RevisionImports revisions,
    NixBuilder nix,
    RegistryMetrics metrics) : Grain, IResolverGrain
{
    public async Task<ResolvedImage> Resolve(string repository, string tag)
    {
        if (!DistributionGrammar.IsValidName(repository))
            return new ResolvedImage(null, BuildError.Of(BuildErrorKind.PackagesNotFound, $"invalid repository name '{repository}'"));
        if (!DistributionGrammar.IsValidTag(tag))
            return new ResolvedImage(null, BuildError.Of(BuildErrorKind.UnknownRevision, $"invalid tag '{tag}'"));

        var selection = names.Parse(repository);
        // Refused before the tag is resolved: an oversized name costs no source work.
        if (selection.Packages.Count > naming.Value.MaxPackages)
        {
            return new ResolvedImage(null, BuildError.Of(BuildErrorKind.TooLarge,
                $"the image asks for {selection.Packages.Count} packages, more than {naming.Value.MaxPackages} (NIXERY_MAX_PACKAGES)"));
        }
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var revision = await source.ResolveAsync(tag, CancellationToken.None);
            metrics.Stage("resolve", started);
            return new ResolvedImage(new ImageRequest(selection.Packages, selection.Platform, revision, recipe.Describe()), null, source.LifetimeOf(tag));
        }
        catch (BuildFailedException e)
        {
            return new ResolvedImage(null, e.Error);
        }
    }

    /// <summary>
    /// Not a pull, so no stage is recorded: the histogram keeps the time pulls spend. The
    /// catalogue is loaded for the platform of a name without one, where the catalogue grain
    /// lives (on this silo, when it is the first to ask), as a build's check would load it.
    /// </summary>
    public async Task<BuildError?> Prepare(string tag)
    {
        SourceRevision revision;
        try
        {
            revision = await source.ResolveAsync(tag, CancellationToken.None);
            using (await revisions.UseAsync(revision, CancellationToken.None)) { }
        }
        catch (BuildFailedException e)
        {
            return e.Error;
        }
        await nix.PrepareBuildsAsync();
        var system = Platform.Amd64.NixSystem;
        await GrainFactory.GetGrain<ICatalogueGrain>(CatalogueKey.Of(revision, system)).Load(revision, system);
        return null;
    }

    public Task<IReadOnlyList<string>> Tags() => source.TagsAsync(CancellationToken.None);
}

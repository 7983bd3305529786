using Microsoft.Extensions.Options;
using Nixery.Images;
using Nixery.Metrics;
using Nixery.Naming;
using Nixery.Sources;
using Orleans.Concurrency;

namespace Nixery;

/// <summary>
/// Resolves pulls on the silo that receives them. A stateless worker: no
/// state, no single owner, as many activations as there are callers.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ResolverGrain(ImageNameParser names, IOptions<NamingOptions> naming, IPackageSource source, ImageRecipe recipe, RegistryMetrics metrics) : Grain, IResolverGrain
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

    public Task<IReadOnlyList<string>> Tags() => source.TagsAsync(CancellationToken.None);
}

namespace Nixery.Frontend;

/// <summary>
/// A pull by tag, the slow way: the resolver turns name and tag into an
/// image request, and the image's grain builds it or has it. Used for every
/// request the manifest cache cannot answer, and to refresh its entries.
/// </summary>
public sealed class ImageLookup(IGrainFactory grains)
{
    /// <param name="Lifetime">How long the answer may be reused (the source's rule for the tag).</param>
    public sealed record Outcome(BuiltImage? Image, BuildError? Error, TimeSpan Lifetime);

    /// <param name="cancellation">Ends only this caller's wait: the build goes on in the grain for everyone else.</param>
    public async Task<Outcome> FindAsync(string name, string tag, CancellationToken cancellation)
    {
        var resolved = await grains.GetGrain<IResolverGrain>(0).Resolve(name, tag);
        if (resolved.Request is null) return new Outcome(null, resolved.Error, TimeSpan.Zero);
        var result = await grains.GetImageAsync(resolved.Request, cancellation);
        return new Outcome(result.Image, result.Error, resolved.Lifetime);
    }
}

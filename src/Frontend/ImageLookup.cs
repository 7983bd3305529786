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

    /// <summary>As long as a resolve may take (its response timeout): a first fetch of a large source takes minutes.</summary>
    public static readonly TimeSpan ResolveLimit = TimeSpan.FromMinutes(15);

    /// <summary>Asked again if unanswered for a while: a resolver runs on the gateway silo the call went through, which may have died with it.</summary>
    public Task<ResolvedImage> ResolveAsync(string name, string tag, CancellationToken cancellation = default) =>
        GrainPolling.AskUntilAnsweredAsync(() => grains.GetGrain<IResolverGrain>(0).Resolve(name, tag), ResolveLimit, cancellation);

    public Task<IReadOnlyList<string>> TagsAsync(CancellationToken cancellation) =>
        GrainPolling.AskUntilAnsweredAsync(() => grains.GetGrain<IResolverGrain>(0).Tags(), ResolveLimit, cancellation);

    /// <summary>Starts or joins the build of a resolved image and waits for its outcome.</summary>
    /// <param name="cancellation">Ends only this caller's wait: the build goes on in the grain for everyone else.</param>
    public async Task<Outcome> AwaitAsync(ResolvedImage resolved, CancellationToken cancellation)
    {
        var result = await grains.GetImageAsync(resolved.Request!, cancellation);
        return new Outcome(result.Image, result.Error, resolved.Lifetime);
    }

    public async Task<bool> IsBuiltAsync(ImageRequest request) =>
        (await StatusAsync(request)).State == ImageState.Built;

    /// <summary>Built, or being built by someone who may: joining a build starts nothing.</summary>
    public async Task<bool> ExistsAsync(ImageRequest request)
    {
        var status = await StatusAsync(request);
        return status.State is ImageState.Built or ImageState.Building;
    }

    /// <summary>Bounded like every call of a request (GrainPolling): one lost with a dead silo would wait out the 30 s default response timeout.</summary>
    private Task<ImageStatus> StatusAsync(ImageRequest request) =>
        grains.GetGrain<IImageGrain>(request.Key()).Status().WaitAsync(GrainPolling.AnswerWithin);
}

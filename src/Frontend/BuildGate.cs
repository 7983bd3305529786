using System.Net;

namespace Nixery.Frontend;

/// <summary>
/// Whether a request for an image may go on to its grain, which starts a
/// build when the image has none: a client that may not build may only
/// reach an image that is built or being built, and a client that starts a
/// build takes one of its cold-build tokens (<c>NIXERY_COLD_BUILDS_PER_CLIENT</c>);
/// joining a build under way takes none. Pulls and the web page's events
/// ask the same question and answer the refusal in their own terms.
/// </summary>
public sealed class BuildGate(ImageLookup lookup, ColdBuildLimiter coldBuilds)
{
    public enum Refusal
    {
        None,
        /// <summary>The image is neither built nor being built, and this client may not start builds.</summary>
        MayNotBuild,
        /// <summary>The client has started its builds of the last minute.</summary>
        TooManyBuilds,
    }

    /// <summary>Builds one client may start per minute, for the refusal's message.</summary>
    public int BuildsPerMinute => coldBuilds.PerMinute;

    public async Task<Refusal> CheckAsync(ImageRequest request, bool mayBuild, IPAddress? client)
    {
        // Whether the image exists matters only to a client that may not build or whose
        // builds are counted; everyone else is spared the grain call on every uncached pull.
        if (mayBuild && !coldBuilds.Limits) return Refusal.None;
        if (await lookup.ExistsAsync(request)) return Refusal.None;
        if (!mayBuild) return Refusal.MayNotBuild;
        return coldBuilds.TryStart(client) ? Refusal.None : Refusal.TooManyBuilds;
    }
}

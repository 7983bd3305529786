namespace Nixery.Frontend.Web;

/// <summary>The web page's settings (bound from <c>Nixery:Web</c> and <c>Nixery:ExternalUrl</c>).</summary>
public sealed class WebOptions
{
    /// <summary>
    /// How clients reach the registry (<c>NIXERY_EXTERNAL_URL</c>); its host
    /// goes into the pull commands the page shows. Unset: the request's host.
    /// </summary>
    public string? ExternalUrl { get; set; }

    /// <summary>Whether <c>/builds</c>, the operators' list of recent builds and failures, is served (<c>NIXERY_WEB_BUILDS</c>).</summary>
    public bool ShowBuilds { get; set; }
}

namespace Nixery.Configuration;

/// <summary>The web page's settings (<c>Nixery:Web</c>).</summary>
public sealed class WebOptions
{
    /// <summary>Whether <c>/builds</c>, the operators' list of recent builds and failures, is served (<c>NIXERY_WEB_BUILDS</c>).</summary>
    public bool ShowBuilds { get; set; }
}

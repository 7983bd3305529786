using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Nixery.Manifests;

namespace Nixery.Frontend;

/// <summary>
/// What a person who opens the registry in a browser sees: how to pull.
/// The host name comes from the request, so it is HTML-encoded (Nixery's
/// page put it in unescaped).
/// </summary>
public static class IndexPage
{
    public static IResult Render(HttpContext context)
    {
        var host = HtmlEncoder.Default.Encode(context.Request.Host.Value ?? "registry");
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Nixery</title></head>
            <body style="font-family: sans-serif; max-width: 44em; margin: 2em auto">
            <h1>Nixery</h1>
            <p>A container registry that builds images on demand with Nix: the image name lists the packages.</p>
            <pre>docker pull {host}/shell/git/htop</pre>
            <p>A leading <code>shell</code> adds bash, coreutils, moreutils and nano; a leading <code>arm64</code> builds for aarch64.
            Nested package sets use dots (<code>python3packages.requests</code>). The tag selects the revision of the package set.</p>
            </body></html>
            """;
        return Results.Content(html, MediaTypes.Html);
    }
}

using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Configuration;
using Nixery.Naming;

namespace Nixery.Frontend.Web;

/// <summary>
/// The HTML of the web page: small server-rendered shells whose scripts
/// (embedded assets, no framework, nothing fetched from elsewhere) ask the
/// JSON and event endpoints of <see cref="WebApi"/>. Every value that comes
/// from a request is HTML-encoded here, and put in as text by the scripts.
/// </summary>
public static class WebPages
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>Search the package set, compose an image, copy its pull command.</summary>
    public static IResult Index(HttpContext context)
    {
        var host = RegistryHost(context);
        return Page("Nixery", "index.js", $"""
            <header><h1>Nixery</h1>
            <p>A container registry that builds images on demand with Nix: the image name lists the packages.</p></header>
            <main id="composer" data-host="{Html.Encode(host)}">
              <section class="search">
                <label for="search">Search the package set</label>
                <input id="search" type="search" autocomplete="off" placeholder="e.g. git, python3Packages.requests" autofocus>
                <label for="tag">Tag (revision)</label>
                <input id="tag" type="text" value="latest" spellcheck="false">
                <p id="catalogue-status" role="status"></p>
                <ol id="results"></ol>
              </section>
              <section class="compose">
                <h2>Your image</h2>
                <p class="options">
                  <label><input id="shell" type="checkbox"> <code>shell</code> (bash, coreutils, moreutils, nano)</label>
                  <label><input id="arm64" type="checkbox"> <code>arm64</code></label>
                </p>
                <ul id="chosen"><li class="empty">Pick packages from the search results.</li></ul>
                <p>Image: <code id="image-name"></code></p>
                <div class="command"><span>docker</span><pre id="cmd-docker"></pre><button type="button" data-copy="cmd-docker">Copy</button></div>
                <div class="command"><span>podman</span><pre id="cmd-podman"></pre><button type="button" data-copy="cmd-podman">Copy</button></div>
                <div class="command"><span>Kubernetes</span><pre id="cmd-kubernetes"></pre><button type="button" data-copy="cmd-kubernetes">Copy</button></div>
                <p><a id="open-image" href="#">Build it and see its layers</a></p>
              </section>
            </main>
            <footer><p>For example: <code>docker pull {Html.Encode(host)}/shell/git/htop</code>. Each path segment is a package;
            a leading <code>shell</code> adds bash, coreutils, moreutils and nano; <code>arm64</code> builds for aarch64.
            Nested package sets use dots. The tag selects the revision of the package set.</p></footer>
            """);
    }

    /// <summary>One image: its build live, then its layers to scale, sizes, revision and SBOM; or its failure.</summary>
    public static IResult Image(HttpContext context, string? name)
    {
        name ??= "";
        var tag = context.Request.Query["tag"].ToString() is { Length: > 0 } t ? t : "latest";
        if (!DistributionGrammar.IsValidName(name) || !DistributionGrammar.IsValidTag(tag))
        {
            return Page("Nixery: invalid image", null, $"""
                <header><h1><a href="/">Nixery</a></h1></header>
                <main><h2>Not an image name</h2><p class="error">“{Html.Encode(name)}:{Html.Encode(tag)}” is not a valid image name and tag.</p></main>
                """, StatusCodes.Status400BadRequest);
        }
        if (!WebAccess.Permission(context, name, tag).Pull) return WebAccess.Refusal(context);
        var host = RegistryHost(context);
        return Page($"Nixery: {name}:{tag}", "image.js", $"""
            <header><h1><a href="/">Nixery</a></h1></header>
            <main id="image" data-name="{Html.Encode(name)}" data-tag="{Html.Encode(tag)}" data-host="{Html.Encode(host)}">
              <h2><code>{Html.Encode($"{host}/{name}:{tag}")}</code></h2>
              <p>Status: <strong id="status">connecting</strong> <span id="elapsed"></span></p>
              <div class="command"><span>docker</span><pre id="cmd-docker">{Html.Encode($"docker pull {host}/{name}:{tag}")}</pre><button type="button" data-copy="cmd-docker">Copy</button></div>
              <section id="failure" hidden><h3>Build failed</h3><pre id="log"></pre></section>
              <section id="built" hidden>
                <dl class="summary">
                  <dt>Compressed size</dt><dd id="compressed-size"></dd>
                  <dt>Size in the store</dt><dd id="store-size"></dd>
                  <dt>Layers</dt><dd id="layer-count"></dd>
                  <dt>Revision</dt><dd id="revision"></dd>
                  <dt>Architecture</dt><dd id="architecture"></dd>
                  <dt>Packages</dt><dd id="packages"></dd>
                  <dt>Manifest</dt><dd id="digest"></dd>
                  <dt>SBOM</dt><dd><a id="sbom" href="#">referrers (SPDX)</a></dd>
                </dl>
                <h3>Layers, to scale (compressed bytes)</h3>
                <div id="layers" class="layers"></div>
                <section id="layer-detail" hidden><h4 id="layer-title"></h4><table><thead><tr><th>Store path</th><th>Size</th></tr></thead><tbody id="layer-paths"></tbody></table></section>
              </section>
            </main>
            """);
    }

    /// <summary>Recent builds and failures for operators: served with <c>NIXERY_WEB_BUILDS</c>, or to operators when authentication is on.</summary>
    public static async Task<IResult> Builds(HttpContext context, IGrainFactory grains)
    {
        // With authentication on, the operator filter has already let only operators in.
        var options = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        if (!options.ShowBuilds && !context.RequestServices.GetRequiredService<RegistryAccess>().Enabled) return Results.NotFound();
        var builds = await grains.GetGrain<IBuildHistoryGrain>(0).Recent(BuildHistoryGrain.Capacity);
        var rows = string.Concat(builds.Select(b => $"""
            <tr class="{(b.Error is null ? "ok" : "failed")}">
              <td>{Html.Encode(b.Finished.ToString("yyyy-MM-dd HH:mm:ss'Z'"))}</td>
              <td>{(b.Error is null ? "built" : Html.Encode(b.Error.Kind.ToString()))}</td>
              <td><code>{Html.Encode(string.Join(" ", b.Packages))}</code></td>
              <td>{Html.Encode(b.Architecture)}</td>
              <td><code>{Html.Encode(b.Revision)}</code></td>
              <td>{b.Duration.TotalSeconds:0.0} s</td>
              <td>{(b.Manifest is { } digest ? $"<code>{Html.Encode(digest.ToString())}</code> {Html.Encode(Bytes(b.CompressedSize))}" : $"<details><summary>log</summary><pre>{Html.Encode(b.Error?.Message ?? "")}</pre></details>")}</td>
            </tr>
            """));
        return Page("Nixery: recent builds", null, $"""
            <header><h1><a href="/">Nixery</a></h1></header>
            <main><h2>Recent builds and failures</h2>
            <table id="builds"><thead><tr><th>Finished</th><th>Outcome</th><th>Packages</th><th>Arch</th><th>Revision</th><th>Took</th><th>Image or log</th></tr></thead>
            <tbody>{rows}</tbody></table></main>
            """);
    }

    /// <summary>The host clients pull from: the configured external URL's, else the request's.</summary>
    public static string RegistryHost(HttpContext context)
    {
        var external = context.RequestServices.GetRequiredService<RegistryAccess>().Options.ExternalUrl;
        if (!string.IsNullOrWhiteSpace(external) && Uri.TryCreate(external, UriKind.Absolute, out var uri)) return uri.Authority;
        return context.Request.Host.HasValue ? context.Request.Host.Value! : "registry";
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.0} GiB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.0} MiB",
        >= 1 << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };

    private static IResult Page(string title, string? script, string body, int status = StatusCodes.Status200OK)
    {
        var scriptTag = script is null ? "" : $"""<script src="/ui/assets/{script}" defer></script>""";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html.Encode(title)}</title><link rel="stylesheet" href="/ui/assets/site.css">{scriptTag}</head>
            <body>
            {body}
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}

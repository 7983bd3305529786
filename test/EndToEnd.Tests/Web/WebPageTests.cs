using System.Net;
using System.Text.Json;
using Microsoft.Playwright;

namespace Nixery.EndToEnd.Tests.Web;

/// <summary>The web page in a real browser against the real registry, and the catalogue's refusals counted at Nix.</summary>
public class WebPageTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Search_finds_nested_packages_and_picking_them_composes_the_pull_commands()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#search", "requests");
        var result = page.Locator("#results li[data-name='python3Packages.requests']");
        // The first search may have to wait for Nix to list the package set.
        await result.WaitForAsync(new() { Timeout = (float)BuildLimit.TotalMilliseconds });
        Assert.Contains("HTTP library for Python", await result.InnerTextAsync());
        await result.Locator("button").ClickAsync();

        await page.FillAsync("#search", "xev");
        await page.Locator("#results li[data-name='xorg.xev'] button").ClickAsync();
        await page.CheckAsync("#shell");

        var host = fixture.Registry.Address;
        Assert.Equal("shell/python3packages.requests/xorg.xev", await page.InnerTextAsync("#image-name"));
        Assert.Equal($"docker pull {host}/shell/python3packages.requests/xorg.xev:latest", await page.InnerTextAsync("#cmd-docker"));
        Assert.Equal($"podman pull {host}/shell/python3packages.requests/xorg.xev:latest", await page.InnerTextAsync("#cmd-podman"));
        Assert.Contains($"image: \"{host}/shell/python3packages.requests/xorg.xev:latest\"", await page.InnerTextAsync("#cmd-kubernetes"));

        await page.CheckAsync("#arm64");
        Assert.StartsWith($"docker pull {host}/arm64/shell/python3packages.requests", await page.InnerTextAsync("#cmd-docker"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.ResultsDirectory, "compose.png"), FullPage = true });

        // The composed name is one the registry really serves.
        await page.UncheckAsync("#arm64");
        using var http = fixture.Registry.Http();
        using var manifest = await http.GetAsync("/v2/shell/python3packages.requests/xorg.xev/manifests/latest");
        Assert.True(manifest.StatusCode == HttpStatusCode.OK, await manifest.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_build_is_followed_live_to_done_and_its_layers_are_drawn_to_scale_with_their_store_paths()
    {
        var page = await fixture.NewPageAsync();
        var states = new List<string>();
        await page.ExposeFunctionAsync("recordState", (string state) => states.Add(state));
        await page.AddInitScriptAsync("""
            new MutationObserver(() => { const s = document.getElementById('status'); if (s) window.recordState(s.textContent); })
              .observe(document, { subtree: true, childList: true, characterData: true });
            """);
        await page.GotoAsync("/image/slow");
        await page.Locator("#status.done").WaitForAsync(new() { Timeout = (float)BuildLimit.TotalMilliseconds });
        Assert.Contains("building", states);

        var boxes = page.Locator("#layers .layer");
        var count = await boxes.CountAsync();
        Assert.True(count >= 2, $"{count} layers drawn");
        Assert.Equal(count.ToString(), await page.InnerTextAsync("#layer-count"));
        // To scale: each box's share of the bar's width is its share of the compressed bytes.
        var bar = (await page.Locator("#layers").BoundingBoxAsync())!;
        var sizes = new List<long>();
        var widths = new List<double>();
        for (var i = 0; i < count; i++)
        {
            sizes.Add(long.Parse((await boxes.Nth(i).GetAttributeAsync("data-size"))!));
            widths.Add((await boxes.Nth(i).BoundingBoxAsync())!.Width);
        }
        var largest = sizes.IndexOf(sizes.Max());
        Assert.InRange(widths[largest] / bar.Width, sizes[largest] / (double)sizes.Sum() - 0.05, sizes[largest] / (double)sizes.Sum() + 0.05);

        // Each layer's store paths on click; the slow package is in one of them.
        var found = false;
        for (var i = 0; i < count && !found; i++)
        {
            await boxes.Nth(i).ClickAsync();
            found = (await page.InnerTextAsync("#layer-paths")).Contains("-slow-1.0", StringComparison.Ordinal);
        }
        Assert.True(found, "no layer lists the slow package's store path");
        Assert.Matches(@"^sha256:[0-9a-f]{64} \(Docker\)", await page.InnerTextAsync("#digest"));
        Assert.StartsWith("path:", await page.InnerTextAsync("#revision"));
        Assert.Matches(@"^/v2/slow/referrers/sha256:[0-9a-f]{64}$", await page.GetAttributeAsync("#sbom", "href") ?? "");
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.ResultsDirectory, "image-slow.png"), FullPage = true });

        // The same image as a client pulls it.
        using var http = fixture.Registry.Http();
        using var manifest = await http.GetAsync("/v2/slow/manifests/latest");
        Assert.Equal(HttpStatusCode.OK, manifest.StatusCode);
        Assert.Equal((await page.InnerTextAsync("#digest")).Split(' ')[0], manifest.Headers.GetValues("Docker-Content-Digest").Single());
    }

    [Fact]
    public async Task A_failed_build_shows_the_tail_of_its_log_and_operators_see_it_among_recent_builds()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/image/broken");
        await page.Locator("#status.failed").WaitForAsync(new() { Timeout = (float)BuildLimit.TotalMilliseconds });
        var log = await page.InnerTextAsync("#log");
        Assert.Contains("broken-1.0.drv", log);
        Assert.Contains("error: this package is broken on purpose", log);
        await page.ScreenshotAsync(new() { Path = Path.Combine(WebFixture.ResultsDirectory, "image-broken.png"), FullPage = true });

        await page.GotoAsync("/builds");
        var row = page.Locator("#builds tr.failed", new() { HasText = "broken" });
        await row.First.WaitForAsync();
        Assert.Contains("broken on purpose", await row.First.Locator("pre").TextContentAsync());
    }

    [Fact]
    public async Task Whatever_a_request_carries_reaches_the_page_as_text_never_as_markup()
    {
        const string hostile = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>";
        var page = await fixture.NewPageAsync();

        var response = await page.GotoAsync($"/image/{Uri.EscapeDataString(hostile)}?tag={Uri.EscapeDataString(hostile)}");
        Assert.Equal(400, response!.Status);
        Assert.Contains(hostile, await page.InnerTextAsync("main"));
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());

        // A valid name with a hostile tag typed into the composer: commands are text.
        await page.GotoAsync("/");
        await page.FillAsync("#search", hostile);
        await page.Locator("#catalogue-status", new() { HasText = "0 of" }).WaitForAsync(new() { Timeout = (float)BuildLimit.TotalMilliseconds });
        await page.FillAsync("#search", "hello");
        await page.Locator("#results li[data-name='hello'] button").ClickAsync();
        await page.FillAsync("#tag", hostile);
        Assert.Equal($"docker pull {fixture.Registry.Address}/hello:{hostile}", await page.InnerTextAsync("#cmd-docker"));
        Assert.Equal(0, await page.Locator("#composer script, #composer img").CountAsync());

        // The Host header goes into the page's commands: Kestrel refuses a malformed one, and what passes is encoded.
        var html = await RawGetAsync(fixture.Registry.Port, "/", "evil\"><script>alert(3)</script>");
        Assert.DoesNotContain("<script>alert", html);
        using var http = fixture.Registry.Http();
        using var index = await http.GetAsync("/");
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());

        // The events of an invalid name: one failure, JSON with markup escaped.
        var events = await http.GetStringAsync($"/ui/events/x?tag={Uri.EscapeDataString(hostile)}");
        Assert.StartsWith("event: failed\ndata: {", events);
        Assert.DoesNotContain("<script>", events);

        await page.WaitForTimeoutAsync(500);
        Assert.Empty(fixture.Dialogs);
    }

    [Fact]
    public async Task Names_not_in_the_package_set_are_refused_without_running_nix_once_the_catalogue_is_known()
    {
        using var http = fixture.Registry.Http();
        var deadline = DateTime.UtcNow + BuildLimit;
        while (true)
        {
            using var search = JsonDocument.Parse(await http.GetStringAsync("/ui/search?q=hello"));
            if (search.RootElement.GetProperty("state").GetString() == "ready") break;
            Assert.True(DateTime.UtcNow < deadline, "the catalogue was not computed in time");
            await Task.Delay(500);
        }

        fixture.Nix.Reset();
        using var refused = await http.GetAsync("/v2/hello/no-such-package/python3packages.nope/manifests/latest");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("errors")[0];
        Assert.Equal("MANIFEST_UNKNOWN", error.GetProperty("code").GetString());
        Assert.Equal("Could not find Nix packages: no-such-package, python3packages.nope", error.GetProperty("message").GetString());
        Assert.Equal(["no-such-package", "python3packages.nope"], error.GetProperty("detail").GetProperty("packages").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, fixture.Nix.Selections);
        Assert.Equal(0, fixture.Nix.Builds);

        // The counter sees Nix when it does run: a name the catalogue has.
        using var built = await http.GetAsync("/v2/jq/manifests/latest");
        Assert.Equal(HttpStatusCode.OK, built.StatusCode);
        Assert.True(fixture.Nix.Selections > 0);
    }

    /// <summary>A request with a Host header no HTTP client library would send.</summary>
    private static async Task<string> RawGetAsync(int port, string path, string host)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes($"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}

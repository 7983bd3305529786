using Microsoft.Playwright;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests.Web;

/// <summary>
/// The real registry on a freshly salted demo package set (so `slow` really
/// takes its time and `broken` really fails), with Nix counted from outside,
/// and Debian's Chromium driven by Playwright: no browser is downloaded.
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _storage = new();
    private IPlaywright? _playwright;

    public SaltedPackageSet Packages { get; } = new();

    public NixInvocations Nix { get; } = new();

    public RegistryProcess Registry { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test results directory, kept by CI.</summary>
    public static string ResultsDirectory { get; } = Path.Combine(Repository.Root, "TestResults", "web");

    public async Task InitializeAsync()
    {
        Registry = new RegistryProcess(_storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = Packages.Path,
            ["PATH"] = Nix.SearchPath,
            ["NIXERY_WEB_BUILDS"] = "true",
        });
        await Registry.StartAsync();
        Directory.CreateDirectory(ResultsDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = $"http://{Registry.Address}", ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        // Any script a hostile name managed to inject would show itself here.
        page.Dialog += (_, dialog) => Dialogs.Add(dialog.Message);
        return page;
    }

    public List<string> Dialogs { get; } = [];

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Registry.DisposeAsync();
        Packages.Dispose();
        Nix.Dispose();
        _storage.Dispose();
    }
}

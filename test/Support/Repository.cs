using System.Runtime.CompilerServices;

namespace Nixery.Tests.Support;

/// <summary>Paths in this repository, and the Nix settings every test runs Nix with.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string DemoPackageSet => Path.Combine(Root, "demo");

    /// <summary>
    /// Tests run Nix offline with the repository's nix.conf (no binary cache
    /// to wait for, no build users), whether started by scripts/test or by a
    /// plain `dotnet test`. It runs when this assembly loads, that is before
    /// a test reaches Nix through any helper here (fixtures, the registry,
    /// the demo package set).
    /// </summary>
#pragma warning disable CA2255 // a test-support library: the initializer is meant for the test process
    [ModuleInitializer]
    internal static void UseRepositoryNixSettings()
    {
        if (Environment.GetEnvironmentVariable("NIX_CONF_DIR") is null)
            Environment.SetEnvironmentVariable("NIX_CONF_DIR", Path.Combine(Root, "demo", "nix"));
        Environment.SetEnvironmentVariable("NIX_PATH", null);
        Environment.SetEnvironmentVariable("NIX_REMOTE", null);
    }
#pragma warning restore CA2255

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nixery.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException("the tests must run inside the repository");
    }
}

namespace Nixery.Tests.Support;

/// <summary>
/// A copy of the demo package set with its own salt: every store path is
/// new, so the first build of anything in it really runs Nix (and the slow
/// package really takes its time), whatever earlier tests built.
/// </summary>
public sealed class SaltedPackageSet : IDisposable
{
    private const string Marker = "salt = \"\";";
    private readonly string _source;

    public SaltedPackageSet()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nixery-demo-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        _source = File.ReadAllText(System.IO.Path.Combine(Repository.DemoPackageSet, "default.nix"));
        if (!_source.Contains(Marker)) throw new InvalidOperationException("demo/default.nix has no salt to replace");
        Resalt();
    }

    public string Salt { get; private set; } = "";

    /// <summary>Gives every package a new store path: a registry that re-reads the path builds everything again.</summary>
    public void Resalt()
    {
        Salt = Guid.NewGuid().ToString("N");
        File.WriteAllText(System.IO.Path.Combine(Path, "default.nix"), _source.Replace(Marker, $"salt = \"{Salt}\";"));
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Nixery.Nix;

/// <summary>
/// The registry's Nix expressions (select-packages.nix, list-packages.nix, list-catalogue.nix),
/// embedded in this assembly. Nix reads expressions from files, so each is
/// written once to a file named after its content.
/// </summary>
public static class NixExpressions
{
    private static readonly ConcurrentDictionary<string, Lazy<string>> Files = new();

    public static string SelectPackages => PathOf("select-packages.nix");

    public static string ListPackages => PathOf("list-packages.nix");

    public static string ListCatalogue => PathOf("list-catalogue.nix");

    /// <summary>Where the expressions are written: a directory of their own, the only one restricted evaluation may read besides the source.</summary>
    public static string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nixery", "expressions");

    private static string PathOf(string name) => Files.GetOrAdd(name, n => new Lazy<string>(() => Materialise(n))).Value;

    private static string Materialise(string name)
    {
        using var resource = typeof(NixExpressions).Assembly.GetManifestResourceStream($"Nixery.Nix.{name}")
            ?? throw new InvalidOperationException($"{name} is not embedded");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        var content = buffer.ToArray();
        var directory = Directory;
        System.IO.Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $"{System.IO.Path.GetFileNameWithoutExtension(name)}-{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}.nix");
        if (!File.Exists(path))
        {
            var temp = $"{path}.{Guid.NewGuid():N}";
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        return path;
    }
}

using System.Security.Cryptography;

namespace Nixery.Nix;

/// <summary>
/// The Nix expression that selects packages (select-packages.nix, embedded in
/// this assembly). Nix reads expressions from files, so it is written once to
/// a file named after its content.
/// </summary>
public static class SelectorExpression
{
    private static readonly Lazy<string> File = new(Materialise);

    public static string Path => File.Value;

    private static string Materialise()
    {
        using var resource = typeof(SelectorExpression).Assembly.GetManifestResourceStream("Nixery.Nix.select-packages.nix")
            ?? throw new InvalidOperationException("select-packages.nix is not embedded");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        var content = buffer.ToArray();
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nixery");
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $"select-packages-{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}.nix");
        if (!System.IO.File.Exists(path))
        {
            var temp = $"{path}.{Guid.NewGuid():N}";
            System.IO.File.WriteAllBytes(temp, content);
            System.IO.File.Move(temp, path, overwrite: true);
        }
        return path;
    }
}

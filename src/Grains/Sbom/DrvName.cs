namespace Nixery.Sbom;

/// <summary>
/// A package name and version from a store path name, split as nixpkgs'
/// <c>builtins.parseDrvName</c> splits them: the version starts after the
/// first dash that is followed by something other than a letter
/// (<c>python3.11-requests-2.31.0</c> → <c>python3.11-requests</c>, <c>2.31.0</c>;
/// <c>iana-etc-20240318</c> → <c>iana-etc</c>, <c>20240318</c>; no such dash: no version).
/// </summary>
public sealed record DrvName(string Name, string Version)
{
    public static DrvName Parse(string name)
    {
        for (var i = 0; i < name.Length - 1; i++)
            if (name[i] == '-' && !char.IsAsciiLetter(name[i + 1])) return new DrvName(name[..i], name[(i + 1)..]);
        return new DrvName(name, "");
    }

    /// <summary>
    /// The package of a store path: its name without the 32-character hash,
    /// and for an output other than <c>out</c> without the <c>-&lt;output&gt;</c>
    /// suffix Nix appends (<c>openssl-3.0.13-doc</c>, output <c>doc</c> → <c>openssl</c>, <c>3.0.13</c>).
    /// </summary>
    public static DrvName OfStorePath(string storePath, string? output)
    {
        var name = Layering.StorePathName.Of(storePath);
        if (output is not null && output != "out" && name.EndsWith("-" + output, StringComparison.Ordinal))
            name = name[..^(output.Length + 1)];
        return Parse(name);
    }
}

namespace Nixery.Naming;

/// <summary>How image names map to packages.</summary>
public sealed class NamingOptions
{
    /// <summary>What the leading meta-package <c>shell</c> expands to.</summary>
    public List<string> ShellPackages { get; set; } = ["bashInteractive", "coreutils", "moreutils", "nano"];

    /// <summary>Packages added to every image, as Nixery adds cacert and iana-etc.</summary>
    public List<string> DefaultPackages { get; set; } = ["cacert", "iana-etc"];

    /// <summary><c>NIXERY_MAX_PACKAGES</c>: packages one image may ask for, the added ones included.</summary>
    public int MaxPackages { get; set; } = 64;
}

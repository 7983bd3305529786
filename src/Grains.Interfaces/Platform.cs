namespace Nixery;

/// <summary>The target of a build: Nix's system double and the image's architecture name.</summary>
[GenerateSerializer, Immutable, Alias("nixery.Platform")]
public sealed record Platform(
    [property: Id(0)] string NixSystem,
    [property: Id(1)] string Architecture)
{
    public static readonly Platform Amd64 = new("x86_64-linux", "amd64");
    public static readonly Platform Arm64 = new("aarch64-linux", "arm64");
}

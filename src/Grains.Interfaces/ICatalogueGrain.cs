namespace Nixery;

/// <summary>
/// The package catalogue of one revision of the package set for one system
/// (keyed by <see cref="CatalogueKey.Of"/>): attribute paths, versions and
/// descriptions, computed once by Nix in the background on the silo that
/// holds the grain and kept on storage so every silo shares it. Searches and
/// checks run where the catalogue is; only their small answers cross.
/// </summary>
[Alias("nixery.ICatalogueGrain")]
public interface ICatalogueGrain : IGrainWithStringKey
{
    /// <summary>Up to <paramref name="limit"/> packages matching <paramref name="query"/>, best first; starts the catalogue if it is not known yet.</summary>
    [Alias("Search")]
    Task<CatalogueSearch> Search(SourceRevision revision, string system, string query, int limit);

    /// <summary>
    /// The requested names that are certainly not packages of the revision,
    /// or null while the catalogue is not known (then Nix must decide).
    /// </summary>
    [Alias("Missing")]
    Task<IReadOnlyList<string>?> Missing(SourceRevision revision, string system, IReadOnlyList<string> packages);

    /// <summary>Starts the catalogue if it is not known yet and waits for it; whether it is known now (false if it failed).</summary>
    [Alias("Load"), ResponseTimeout("00:30:00")]
    Task<bool> Load(SourceRevision revision, string system);
}

[GenerateSerializer, Alias("nixery.CatalogueState")]
public enum CatalogueState
{
    Computing = 0,
    Ready = 1,
    Failed = 2,
}

/// <summary>One package as the catalogue lists it.</summary>
[GenerateSerializer, Immutable, Alias("nixery.CatalogueEntry")]
public sealed record CatalogueEntry(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Description);

/// <summary>The answer to a search: the catalogue's state, its size, and the best matches.</summary>
[GenerateSerializer, Immutable, Alias("nixery.CatalogueSearch")]
public sealed record CatalogueSearch(
    [property: Id(0)] CatalogueState State,
    [property: Id(1)] int Packages,
    [property: Id(2)] int Matches,
    [property: Id(3)] IReadOnlyList<CatalogueEntry> Results,
    [property: Id(4)] string? Error);

public static class CatalogueKey
{
    /// <summary>One catalogue per revision and system (nixpkgs' attribute set depends on both).</summary>
    public static string Of(SourceRevision revision, string system) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"catalogue/v1\n{system.Length}:{system}\n{revision.Kind.Length}:{revision.Kind}\n{revision.Id.Length}:{revision.Id}")));
}

using Microsoft.Extensions.Logging;
using Nixery.Nix;
using Nixery.Sources;
using Nixery.Storage;

namespace Nixery.Catalogue;

/// <summary>
/// Where a revision's catalogue comes from: the document another silo
/// already stored, or else one evaluation by Nix, stored for the rest.
/// Evaluating a whole nixpkgs takes a minute and a few GiB, so one silo
/// runs one such evaluation at a time.
/// </summary>
public sealed class CatalogueSource(NixBuilder nix, RevisionImports revisions, IBlobStore store, ILogger<CatalogueSource> logger)
{
    private readonly SemaphoreSlim _evaluations = new(1, 1);

    public static string DocumentKey(string catalogueKey) => $"catalogues/{catalogueKey}";

    public async Task<PackageCatalogue> LoadAsync(SourceRevision revision, Platform platform, CancellationToken cancellation)
    {
        var key = DocumentKey(CatalogueKey.Of(revision, platform.NixSystem));
        if (await store.ReadDocumentAsync(key, cancellation) is { } stored) return CatalogueDocument.Decompress(stored.Content);

        await _evaluations.WaitAsync(cancellation);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // The revision may have been resolved on another silo, with a store of its own.
            string json;
            using (await revisions.UseAsync(revision, cancellation)) json = await nix.ListCatalogueAsync(revision, platform, cancellation);
            var catalogue = CatalogueDocument.Parse(System.Text.Encoding.UTF8.GetBytes(json));
            logger.LogInformation("catalogue of {Source} for {System}: {Packages} packages in {Seconds:0.0} s",
                revision.Id, platform.NixSystem, catalogue.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            try
            {
                await store.WriteDocumentAsync(key, CatalogueDocument.Compress(catalogue), null, cancellation);
            }
            catch (DocumentConflictException)
            {
                // Another silo stored the same revision's catalogue first: the same data.
            }
            return catalogue;
        }
        finally
        {
            _evaluations.Release();
        }
    }
}

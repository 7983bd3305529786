using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nixery.Nix;

namespace Nixery.Sources;

/// <summary>
/// Every source ends as a store path: a directory (a checkout, an unpacked
/// tarball, a path on disk) is copied into the Nix store, whose hash pins its
/// content, and the selector imports exactly that. Nix itself never fetches:
/// credentials, timeouts and caching of fetches stay with the registry. The
/// newest import of each source is a GC root, so a collection does not take
/// the package set away between builds. Every import counts against the
/// silo's <see cref="SourceStoreBudget"/>.
/// </summary>
public sealed class SourceImporter(NixBuilder nix, IOptions<NixOptions> options, SourceStoreBudget? budget = null)
{
    private readonly ConcurrentDictionary<string, string> _rooted = new(StringComparer.Ordinal);

    /// <param name="kind">"path", "git" or "channel": part of every image key.</param>
    /// <param name="id">The revision's identity when it has one of its own (a commit); else the content hash.</param>
    /// <param name="origin">See <see cref="SourceRevision.Origin"/>.</param>
    public async Task<SourceRevision> ImportAsync(string kind, string? id, string directory, CancellationToken cancellation, string? origin = null)
    {
        var storePath = await nix.ImportPathAsync(directory, cancellation);
        await nix.AddRootAsync(storePath, RootOf(kind), cancellation);
        _rooted[kind] = storePath;
        if (budget is not null) await budget.AddedAsync(storePath, cancellation);
        var hash = Path.GetFileName(storePath).Split('-', 2)[0];
        return new SourceRevision(kind, id ?? hash, JsonSerializer.Serialize(new { type = "path", path = storePath }), origin);
    }

    /// <summary>
    /// Whether <paramref name="revision"/> is what this process last imported and rooted for
    /// its kind. Such a store path is valid (Nix checks it when it adds the root) and stays so,
    /// since neither garbage collection nor <see cref="SourceStoreBudget"/> deletes a rooted
    /// path: it is in the store without asking Nix, which costs a process launch on every cold
    /// build. Only this process's own imports count, never the root's link on disk: GC roots
    /// live under <c>STORAGE_PATH</c>, which silos may share while each has its own Nix store,
    /// so another silo's import there says nothing about this silo's store (a clean CI run's
    /// private-store cluster failed evaluations with "access to absolute path ... is forbidden").
    /// The link must still name it too: this store's root follows the link, which another silo
    /// sharing the directory may have pointed at a path of its own since.
    /// </summary>
    public bool IsRooted(SourceRevision revision)
    {
        // Only kinds this process imported are looked up, so no other kind becomes a path under the roots.
        if (!_rooted.TryGetValue(revision.Kind, out var rooted) || rooted != StorePathOf(revision)) return false;
        try
        {
            return new FileInfo(RootOf(revision.Kind)).LinkTarget == rooted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string RootOf(string kind) => Path.Combine(options.Value.GcRootsPath, Collection.GcRoots.SourcesFolder, kind);

    /// <summary>The store path a revision's selector imports.</summary>
    public static string StorePathOf(SourceRevision revision)
    {
        using var source = JsonDocument.Parse(revision.NixSource);
        return source.RootElement.GetProperty("path").GetString() ?? throw new FormatException("the revision names no store path");
    }
}

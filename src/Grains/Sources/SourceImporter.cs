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
    /// <summary>What this process last rooted, by kind: the roots folder may be shared by silos whose stores are not.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _rooted = new(StringComparer.Ordinal);

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
    /// Whether <paramref name="revision"/> is what this process's newest import of its kind
    /// rooted, and the root still names it. Such a store path is valid in this process's store
    /// (Nix checks it when it adds the root) and stays so, since neither garbage collection nor
    /// <see cref="SourceStoreBudget"/> deletes a rooted path: it is there without asking Nix,
    /// which costs a process launch on every cold build. The root alone proves nothing: silos
    /// with stores of their own may share the roots folder (issue 8), and another's root names
    /// a path of its store.
    /// </summary>
    public bool IsRooted(SourceRevision revision)
    {
        if (revision.Kind is not ("path" or "git" or "channel")) return false;
        try
        {
            var storePath = StorePathOf(revision);
            return _rooted.TryGetValue(revision.Kind, out var rooted) && rooted == storePath
                && new FileInfo(RootOf(revision.Kind)).LinkTarget == storePath;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
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

namespace Nixery.Layering;

/// <summary>
/// One store path of a runtime closure, as Nix reports it; the NAR hash and
/// deriver (when Nix knows them) are for the SBOM.
/// </summary>
public sealed record StorePathInfo(string Path, long NarSize, long ClosureSize, IReadOnlyList<string> References, string? NarHash = null, string? Deriver = null)
{
    /// <summary>The path's name without store directory and hash, e.g. <c>glibc-2.40-66</c>.</summary>
    public string Name => StorePathName.Of(Path);
}

/// <summary>
/// The runtime closure of the requested packages: every store path with its
/// size and references (self-references dropped), and the roots the client
/// asked for. References form a directed acyclic graph: Nix refuses to
/// register store paths that refer to each other in a cycle, so a cycle here
/// means the input is corrupt and is rejected rather than looped over.
/// </summary>
public sealed class ClosureGraph
{
    public ClosureGraph(IEnumerable<StorePathInfo> paths, IEnumerable<string> roots)
    {
        var byPath = new SortedDictionary<string, StorePathInfo>(StringComparer.Ordinal);
        foreach (var info in paths)
        {
            var references = info.References.Where(r => r != info.Path).Distinct().Order(StringComparer.Ordinal).ToArray();
            byPath[info.Path] = info with { References = references };
        }
        foreach (var info in byPath.Values)
        {
            var dangling = info.References.FirstOrDefault(r => !byPath.ContainsKey(r));
            if (dangling is not null)
                throw new ArgumentException($"{info.Path} references {dangling}, which is not in the closure");
        }
        Roots = roots.Distinct().Order(StringComparer.Ordinal).ToArray();
        var missingRoot = Roots.FirstOrDefault(r => !byPath.ContainsKey(r));
        if (missingRoot is not null) throw new ArgumentException($"root {missingRoot} is not in the closure");
        Paths = byPath;
        RejectCycles(byPath);
    }

    private static void RejectCycles(SortedDictionary<string, StorePathInfo> byPath)
    {
        // Kahn's algorithm: whatever is never freed of referrers sits on a cycle.
        var referrers = byPath.Keys.ToDictionary(p => p, _ => 0, StringComparer.Ordinal);
        foreach (var info in byPath.Values)
            foreach (var reference in info.References) referrers[reference]++;
        var ready = new Stack<string>(referrers.Where(e => e.Value == 0).Select(e => e.Key));
        var freed = 0;
        while (ready.TryPop(out var path))
        {
            freed++;
            foreach (var reference in byPath[path].References)
                if (--referrers[reference] == 0) ready.Push(reference);
        }
        if (freed != byPath.Count)
        {
            var stuck = referrers.Where(e => e.Value > 0).Select(e => e.Key).Order(StringComparer.Ordinal).First();
            throw new ArgumentException($"{stuck} is on or below a reference cycle, which Nix does not allow");
        }
    }

    /// <summary>Every store path, sorted by path.</summary>
    public IReadOnlyDictionary<string, StorePathInfo> Paths { get; }

    /// <summary>The requested store paths, sorted.</summary>
    public IReadOnlyList<string> Roots { get; }
}

/// <summary>Names of store paths, as popularity data and logs use them.</summary>
public static class StorePathName
{
    /// <summary><c>/nix/store/&lt;32-char hash&gt;-name</c> → <c>name</c>.</summary>
    public static string Of(string storePath)
    {
        var baseName = storePath[(storePath.LastIndexOf('/') + 1)..];
        var dash = baseName.IndexOf('-');
        return dash >= 0 ? baseName[(dash + 1)..] : baseName;
    }
}

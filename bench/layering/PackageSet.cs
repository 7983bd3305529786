using Nixery.Layering;

namespace Nixery.Bench.Layering;

/// <summary>One store path of a generated package set.</summary>
public sealed record GeneratedPath(string Path, long NarSize, string[] References);

/// <summary>
/// One revision of a generated package set: every store path with its size
/// and references, and which store path each package's name resolves to.
/// </summary>
public sealed class PackageSet
{
    private readonly Dictionary<string, long> _closureSizes = new(StringComparer.Ordinal);

    public PackageSet(IReadOnlyDictionary<string, GeneratedPath> paths, IReadOnlyDictionary<string, string> packages)
    {
        Paths = paths;
        Packages = packages;
    }

    public IReadOnlyDictionary<string, GeneratedPath> Paths { get; }

    /// <summary>Attribute name → the store path a request for it adds.</summary>
    public IReadOnlyDictionary<string, string> Packages { get; }

    /// <summary>The runtime closure of the named packages, as Nix would report it.</summary>
    public ClosureGraph ClosureOf(IEnumerable<string> packageNames) => ClosureOfPaths(packageNames.Select(n => Packages[n]));

    public ClosureGraph ClosureOfPaths(IEnumerable<string> rootPaths)
    {
        var roots = rootPaths.ToArray();
        var members = Reachable(roots);
        return new ClosureGraph(
            members.Select(p => new StorePathInfo(p, Paths[p].NarSize, ClosureSizeOf(p), Paths[p].References)),
            roots);
    }

    /// <summary>Every path of the set, as one graph (what popcount sees of a channel).</summary>
    public ClosureGraph Everything() =>
        new(Paths.Values.Select(p => new StorePathInfo(p.Path, p.NarSize, ClosureSizeOf(p.Path), p.References)), []);

    private long ClosureSizeOf(string path)
    {
        if (_closureSizes.TryGetValue(path, out var size)) return size;
        size = Reachable([path]).Sum(p => Paths[p].NarSize);
        _closureSizes[path] = size;
        return size;
    }

    private List<string> Reachable(IEnumerable<string> roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        var stack = new Stack<string>(roots);
        while (stack.TryPop(out var path))
        {
            if (!seen.Add(path)) continue;
            order.Add(path);
            foreach (var reference in Paths[path].References) stack.Push(reference);
        }
        return order;
    }
}

using System.Security.Cryptography;
using System.Text;
using Nixery.Layering;

namespace Nixery.Tests.Layering;

/// <summary>Hand-made closures for the layering specifications, written by store path name.</summary>
internal static class Closures
{
    /// <summary><c>/nix/store/&lt;hash of name&gt;-name</c>.</summary>
    public static string PathOf(string name)
    {
        const string alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        return "/nix/store/" + string.Concat(digest.Take(32).Select(b => alphabet[b % 32])) + "-" + name;
    }

    /// <summary>
    /// A closure from (name, NAR size, names referred to); closure sizes are
    /// computed as Nix does. Roots default to the paths nothing refers to.
    /// </summary>
    public static ClosureGraph Of(IEnumerable<(string Name, long NarSize, string[] References)> paths, IEnumerable<string>? roots = null)
    {
        var list = paths.ToList();
        var byName = list.ToDictionary(p => p.Name);
        long ClosureSize(string name)
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>([name]);
            while (stack.TryPop(out var next))
                if (seen.Add(next))
                    foreach (var reference in byName[next].References) stack.Push(reference);
            return seen.Sum(n => byName[n].NarSize);
        }
        var referenced = list.SelectMany(p => p.References).ToHashSet();
        return new ClosureGraph(
            list.Select(p => new StorePathInfo(PathOf(p.Name), p.NarSize, ClosureSize(p.Name), p.References.Select(PathOf).ToArray())),
            (roots ?? list.Select(p => p.Name).Where(n => !referenced.Contains(n))).Select(PathOf));
    }

    /// <summary>A closure where every path has the same size.</summary>
    public static ClosureGraph Of(long narSize, params (string Name, string[] References)[] paths) =>
        Of(paths.Select(p => (p.Name, narSize, p.References)));

    /// <summary>Groups as lists of names, for readable assertions.</summary>
    public static string[][] Names(IReadOnlyList<LayerGroup> groups) =>
        groups.Select(g => g.Paths.Select(StorePathName.Of).ToArray()).ToArray();

    /// <summary>
    /// A random closure (a DAG: paths refer to earlier ones only) with sizes from
    /// bytes to hundreds of megabytes and random roots, which need not reach every path.
    /// </summary>
    public static ClosureGraph Random(int count, int seed)
    {
        var random = new Random(seed);
        long[] sizes = [0, 120, 40_000, 300_000, 2_000_000, 60_000_000, 250_000_000];
        var density = random.NextDouble() * 0.4;
        var names = Enumerable.Range(0, count).Select(i => $"p{i}-1.{random.Next(3)}").ToArray();
        var paths = names.Select((name, i) => (
            name,
            sizes[random.Next(sizes.Length)],
            Enumerable.Range(0, i).Where(_ => random.NextDouble() < density).Select(j => names[j]).ToArray())).ToList();
        return Of(paths, names.Where(_ => random.NextDouble() < 0.3).ToArray());
    }

    /// <summary>The same closure with its paths, references and roots listed in another order.</summary>
    public static ClosureGraph Shuffled(ClosureGraph graph, int seed)
    {
        var random = new Random(seed);
        var infos = graph.Paths.Values.Select(i => i with { References = i.References.OrderBy(_ => random.Next()).ToArray() }).ToArray();
        random.Shuffle(infos);
        return new ClosureGraph(infos, graph.Roots.OrderBy(_ => random.Next()));
    }
}

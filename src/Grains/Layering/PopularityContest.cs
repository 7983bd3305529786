using System.Numerics;

namespace Nixery.Layering;

/// <summary>
/// The popularity contest of nixpkgs' <c>referencesByPopularity</c>
/// (<c>pkgs/build-support/references-by-popularity/closure-graph.py</c>):
/// the closure is unfolded into a tree from the paths nothing refers to
/// (shared paths duplicated), and counters are folded upwards so that deep,
/// widely shared paths score highest.
/// </summary>
/// <remarks>
/// Unfolding the tree is exponential; nixpkgs ran out of memory on 15,000-path
/// graphs until it memoised sub-results (NixOS/nixpkgs#56918), and even then it
/// keeps one map per path. Solving the fold's recurrence gives a closed form
/// that needs neither: the score of x is the number of non-empty paths that
/// start at a contest root and stay among x's ancestors, which is
/// Σ over m ∈ ancestors-or-self(x) of N(m), where N(m) counts the paths
/// from the contest roots down to m. Worked example of closure-graph.py:
/// F=9, E=5, D=4, C=3, B=2, G=2, A=1. Path counts grow exponentially with
/// depth, so the sums are exact: 64-bit while they fit, then 128-bit, then
/// arbitrary precision.
/// </remarks>
internal static class PopularityContest
{
    /// <summary>Scores by path number of <paramref name="index"/>.</summary>
    public static BigInteger[] Scores(ClosureIndex index) =>
        TryScores<ulong>(index, out var small) ? small.Select(s => new BigInteger(s)).ToArray()
        : TryScores<UInt128>(index, out var wide) ? wide.Select(s => (BigInteger)s).ToArray()
        : Scores<BigInteger>(index);

    private static bool TryScores<T>(ClosureIndex index, out T[] scores) where T : INumber<T>
    {
        try
        {
            scores = Scores<T>(index);
            return true;
        }
        catch (OverflowException)
        {
            scores = [];
            return false;
        }
    }

    private static T[] Scores<T>(ClosureIndex index) where T : INumber<T>
    {
        var routes = new T[index.Count];
        foreach (var path in index.ReferrersFirst)
        {
            var count = index.Referrers[path].Length == 0 ? T.One : T.Zero;
            foreach (var referrer in index.Referrers[path]) count = checked(count + routes[referrer]);
            routes[path] = count;
        }

        // One walk up the referrers per path, marking with the path's own number
        // instead of clearing a visited set: O(Σ ancestors) time, O(paths) memory.
        var scores = new T[index.Count];
        var seenBy = new int[index.Count];
        Array.Fill(seenBy, -1);
        var stack = new Stack<int>();
        for (var x = 0; x < index.Count; x++)
        {
            var score = T.Zero;
            seenBy[x] = x;
            stack.Push(x);
            while (stack.TryPop(out var ancestor))
            {
                score = checked(score + routes[ancestor]);
                foreach (var referrer in index.Referrers[ancestor])
                {
                    if (seenBy[referrer] == x) continue;
                    seenBy[referrer] = x;
                    stack.Push(referrer);
                }
            }
            scores[x] = score;
        }
        return scores;
    }

    /// <summary>
    /// Path numbers most popular first; equal scores ordered by the name with
    /// the hash moved to the end (closure-graph.py's <c>package_name</c>), so
    /// a rebuild that only changes hashes keeps the order.
    /// </summary>
    public static int[] Ranking(ClosureIndex index)
    {
        var scores = Scores(index);
        var keys = index.Paths.Select(SortKey).ToArray();
        var order = Enumerable.Range(0, index.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var byScore = scores[b].CompareTo(scores[a]);
            return byScore != 0 ? byScore : string.CompareOrdinal(keys[a], keys[b]);
        });
        return order;
    }

    /// <summary><c>/nix/store/abc-foo-1.0</c> → <c>foo-1.0-/nix/store/abc</c>.</summary>
    public static string SortKey(string storePath)
    {
        var dash = storePath.IndexOf('-');
        return dash < 0 ? storePath : string.Concat(storePath.AsSpan(dash + 1), "-", storePath.AsSpan(0, dash));
    }
}

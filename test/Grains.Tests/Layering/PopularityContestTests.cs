using System.Numerics;
using CsCheck;
using Nixery.Layering;
using static Nixery.Tests.Layering.Closures;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class PopularityContestTests
{
    // The dependency tree of closure-graph.py's documentation:
    // A → B, G; B → C, E; C → D, E; D → F; E → F.
    private static readonly ClosureGraph WorkedExample = Of(1000,
        ("A", ["B", "G"]), ("B", ["C", "E"]), ("C", ["D", "E"]), ("D", ["F"]), ("E", ["F"]), ("F", []), ("G", []));

    private static Dictionary<string, BigInteger> ScoresByName(ClosureGraph graph)
    {
        var index = ClosureIndex.Of(graph);
        var scores = PopularityContest.Scores(index);
        return Enumerable.Range(0, index.Count).ToDictionary(i => StorePathName.Of(index.Paths[i]), i => scores[i]);
    }

    [Fact]
    public void Scores_match_the_worked_example_of_closure_graph_py()
    {
        var scores = ScoresByName(WorkedExample);
        Assert.Equal(new Dictionary<string, BigInteger> { ["F"] = 9, ["E"] = 5, ["D"] = 4, ["C"] = 3, ["B"] = 2, ["G"] = 2, ["A"] = 1 }, scores);
    }

    [Fact]
    public void Ranking_is_by_score_then_by_name_as_in_the_worked_example()
    {
        var index = ClosureIndex.Of(WorkedExample);
        var ranking = PopularityContest.Ranking(index).Select(i => StorePathName.Of(index.Paths[i]));
        Assert.Equal(["F", "E", "D", "C", "B", "G", "A"], ranking);
    }

    [Fact]
    public void Scores_match_closure_graph_py_unit_test()
    {
        var graph = Of(1, ("foo", ["bar", "baz"]), ("bar", ["baz"]), ("baz", ["tux"]), ("tux", []));
        Assert.Equal(new Dictionary<string, BigInteger> { ["foo"] = 1, ["bar"] = 2, ["baz"] = 4, ["tux"] = 6 }, ScoresByName(graph));
    }

    [Fact]
    public void The_sort_key_moves_the_hash_behind_the_name() =>
        Assert.Equal("hello-2.12-/nix/store/abc", PopularityContest.SortKey("/nix/store/abc-hello-2.12"));

    [Fact]
    public void Scores_stay_exact_beyond_128_bits()
    {
        // 150 diamonds in a row: 2^150 routes reach the bottom.
        var paths = new List<(string, string[])>();
        for (var i = 0; i < 150; i++)
        {
            paths.Add(($"top{i}", [$"left{i}", $"right{i}"]));
            paths.Add(($"left{i}", [$"top{i + 1}"]));
            paths.Add(($"right{i}", [$"top{i + 1}"]));
        }
        paths.Add(("top150", []));
        var graph = Of(1, [.. paths]);
        Assert.Equal(Published(graph), ScoresByName(graph));
        Assert.True(ScoresByName(graph)["top150"] > (BigInteger)UInt128.MaxValue);
    }

    [Fact]
    public void Scores_equal_the_published_fold_on_any_closure() =>
        Gen.Select(Gen.Int[0, 30], Gen.Int).Sample((count, seed) =>
        {
            var graph = Random(count, seed);
            Assert.Equal(Published(graph), ScoresByName(graph));
        });

    /// <summary>
    /// The fold as closure-graph.py describes it, by names: the contest of a set
    /// of children counts each child once and each of its descendants' scores
    /// within the child plus one; the whole image is the contest of the paths
    /// nothing refers to. Memoised per path, as nixpkgs does since #56918.
    /// </summary>
    private static Dictionary<string, BigInteger> Published(ClosureGraph graph)
    {
        var references = graph.Paths.Values.ToDictionary(p => StorePathName.Of(p.Path), p => p.References.Select(StorePathName.Of).ToArray());
        var referenced = references.Values.SelectMany(r => r).ToHashSet();
        var memo = new Dictionary<string, Dictionary<string, BigInteger>>();

        Dictionary<string, BigInteger> Contest(IEnumerable<string> children)
        {
            var popularity = new Dictionary<string, BigInteger>();
            foreach (var child in children)
            {
                popularity[child] = popularity.GetValueOrDefault(child) + 1;
                if (!memo.TryGetValue(child, out var sub)) memo[child] = sub = Contest(references[child]);
                foreach (var (path, score) in sub) popularity[path] = popularity.GetValueOrDefault(path) + score + 1;
            }
            return popularity;
        }

        return Contest(references.Keys.Where(n => !referenced.Contains(n)));
    }
}

using Nixery.Layering;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class DominatorTreeTests
{
    // 0 → 1, 0 → 2; 1 → 3; 2 → 3; 3 → 4; 1 → 5; 5 → 4; 6 is unreachable.
    private static readonly int[][] Diamonds = [[1, 2], [3, 5], [3], [4], [], [4], [4]];

    [Fact]
    public void A_node_reached_through_two_branches_is_dominated_by_where_they_split()
    {
        var tree = DominatorTree.Of(Diamonds, 0);
        Assert.Equal(0, tree.ImmediateDominatorOf(3));
        Assert.Equal(0, tree.ImmediateDominatorOf(4));
    }

    [Fact]
    public void A_node_reached_only_through_another_is_dominated_by_it()
    {
        var tree = DominatorTree.Of(Diamonds, 0);
        Assert.Equal(1, tree.ImmediateDominatorOf(5));
        Assert.Equal([1, 2, 3, 4], tree.ChildrenOf(0));
        Assert.Equal([1, 5], tree.SubtreeOf(1));
    }

    [Fact]
    public void Unreachable_nodes_are_not_in_the_tree()
    {
        var tree = DominatorTree.Of(Diamonds, 0);
        Assert.False(tree.Reaches(6));
        Assert.Throws<ArgumentException>(() => tree.ImmediateDominatorOf(6));
    }

    [Fact]
    public void Loops_are_handled_as_in_the_papers_example()
    {
        // Cooper, Harvey and Kennedy's irreducible example (figure 4), numbered
        // 0 = entry (their 6), 1..5 = their 5..1: every node is dominated by the entry.
        int[][] graph = [[1, 2], [5], [3, 4], [4], [3, 5], [4]];
        var tree = DominatorTree.Of(graph, 0);
        Assert.All(Enumerable.Range(1, 5), node => Assert.Equal(0, tree.ImmediateDominatorOf(node)));
    }

    [Fact]
    public void A_chain_is_its_own_dominator_tree()
    {
        int[][] chain = [[1], [2], [3], []];
        var tree = DominatorTree.Of(chain, 0);
        Assert.Equal([0, 1, 2], Enumerable.Range(1, 3).Select(tree.ImmediateDominatorOf));
    }
}

namespace Nixery.Layering;

/// <summary>
/// The dominator tree of a flow graph: node d dominates n when every path from
/// the root to n passes through d. Computed with the iterative algorithm of
/// Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm", 2001),
/// which on acyclic graphs such as Nix closures settles in one pass over the
/// reverse postorder plus one pass to confirm. The tree is unique, so the
/// result does not depend on the order successors are listed in.
/// </summary>
internal sealed class DominatorTree
{
    private const int Unreached = -1;

    private readonly int[] _immediateDominator;
    private readonly int[][] _children;

    private DominatorTree(int root, int[] immediateDominator)
    {
        Root = root;
        _immediateDominator = immediateDominator;
        var children = immediateDominator.Select(_ => new List<int>()).ToArray();
        for (var node = 0; node < immediateDominator.Length; node++)
            if (node != root && immediateDominator[node] != Unreached) children[immediateDominator[node]].Add(node);
        _children = children.Select(c => c.ToArray()).ToArray();
    }

    public int Root { get; }

    public bool Reaches(int node) => _immediateDominator[node] != Unreached;

    /// <summary>The closest strict dominator; the root is its own.</summary>
    public int ImmediateDominatorOf(int node) =>
        Reaches(node) ? _immediateDominator[node] : throw new ArgumentException($"node {node} is not reachable from the root");

    /// <summary>The nodes this one immediately dominates, ascending.</summary>
    public IReadOnlyList<int> ChildrenOf(int node) => _children[node];

    /// <summary>The node and everything it dominates, in breadth-first order.</summary>
    public List<int> SubtreeOf(int node)
    {
        var subtree = new List<int> { node };
        for (var i = 0; i < subtree.Count; i++) subtree.AddRange(_children[subtree[i]]);
        return subtree;
    }

    /// <param name="successors">Edges of the flow graph, by node number.</param>
    /// <param name="root">The entry node.</param>
    public static DominatorTree Of(int[][] successors, int root)
    {
        var count = successors.Length;
        var postorder = Postorder(successors, root);
        var postNumber = new int[count];
        Array.Fill(postNumber, Unreached);
        for (var i = 0; i < postorder.Count; i++) postNumber[postorder[i]] = i;

        var predecessors = successors.Select(_ => new List<int>()).ToArray();
        foreach (var node in postorder)
            foreach (var successor in successors[node]) predecessors[successor].Add(node);

        var idom = new int[count];
        Array.Fill(idom, Unreached);
        idom[root] = root;
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = postorder.Count - 2; i >= 0; i--) // reverse postorder; the root is last in postorder
            {
                var node = postorder[i];
                var candidate = Unreached;
                foreach (var predecessor in predecessors[node])
                {
                    if (idom[predecessor] == Unreached) continue; // not processed yet in this pass
                    candidate = candidate == Unreached ? predecessor : Intersect(predecessor, candidate, idom, postNumber);
                }
                if (idom[node] != candidate)
                {
                    idom[node] = candidate;
                    changed = true;
                }
            }
        }
        return new DominatorTree(root, idom);
    }

    // Walks both fingers up the current tree until they meet; postorder
    // numbers grow towards the root.
    private static int Intersect(int a, int b, int[] idom, int[] postNumber)
    {
        while (a != b)
        {
            while (postNumber[a] < postNumber[b]) a = idom[a];
            while (postNumber[b] < postNumber[a]) b = idom[b];
        }
        return a;
    }

    private static List<int> Postorder(int[][] successors, int root)
    {
        var order = new List<int>(successors.Length);
        var visited = new bool[successors.Length];
        var stack = new Stack<(int Node, int Next)>();
        visited[root] = true;
        stack.Push((root, 0));
        while (stack.TryPop(out var frame))
        {
            var edges = successors[frame.Node];
            if (frame.Next < edges.Length)
            {
                stack.Push((frame.Node, frame.Next + 1));
                var successor = edges[frame.Next];
                if (!visited[successor])
                {
                    visited[successor] = true;
                    stack.Push((successor, 0));
                }
            }
            else order.Add(frame.Node);
        }
        return order;
    }
}

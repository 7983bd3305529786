namespace Nixery.Packing;

/// <summary>
/// The order of entries in a layer: path components compared one by one as UTF-8 bytes, a
/// parent before its children, like GNU tar <c>--sort=name</c>. So <c>a</c>, <c>a/b</c>,
/// <c>a-b</c>: a plain byte comparison would put <c>a-b</c> before <c>a/b</c>, because
/// '-' sorts below '/'.
/// </summary>
internal sealed class EntryOrder : IComparer<string>
{
    public static readonly EntryOrder Instance = new();

    private EntryOrder() { }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length) return x.Length - y.Length;
        return Weight(x[common]) - Weight(y[common]);
    }

    /// <summary>
    /// Ranks a UTF-16 code unit so that comparing ranks compares UTF-8 bytes. Names never
    /// contain NUL, so '/' ranks lowest and a path sorts before its longer siblings' subtrees.
    /// UTF-8 puts supplementary characters (surrogate pairs in UTF-16) after U+E000–U+FFFF,
    /// where UTF-16 puts them before.
    /// </summary>
    private static int Weight(char c) => c switch
    {
        '/' => -1,
        >= '\uD800' and <= '\uDFFF' => c + 0x2000,
        >= '\uE000' => c - 0x800,
        _ => c,
    };
}

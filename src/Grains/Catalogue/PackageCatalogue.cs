using System.Text;

namespace Nixery.Catalogue;

/// <summary>
/// The packages of one revision, indexed for search and for refusing names
/// that are not there. Plain data in, plain answers out.
/// </summary>
/// <remarks>
/// Search is a scan, made fast by its shape: every lowercase name sits in one
/// string, separated by newlines, and <see cref="string.IndexOf(string, int, StringComparison)"/>
/// with ordinal comparison runs vectorised over it, so a query costs a few
/// passes over about 2 MB for a nixpkgs-sized set instead of 100,000 string
/// comparisons. Descriptions get the same treatment. Only matches are ranked,
/// and only the best <c>limit</c> are kept.
/// </remarks>
public sealed class PackageCatalogue
{
    private const char Separator = '\n';

    private readonly CatalogueEntry[] _entries;
    private readonly string _names;
    private readonly int[] _nameStarts;
    private readonly string _descriptions;
    private readonly int[] _descriptionStarts;
    private readonly HashSet<string> _lowerNames;
    private readonly string[] _opaque;

    /// <param name="entries">The packages (attribute paths, versions, descriptions).</param>
    /// <param name="opaque">
    /// Attribute paths the catalogue did not look into (sets without
    /// recurseForDerivations, attributes that failed to evaluate): a name at
    /// or below one of them may be a package all the same.
    /// </param>
    public PackageCatalogue(IEnumerable<CatalogueEntry> entries, IEnumerable<string> opaque)
    {
        _entries = entries
            .Where(e => !string.IsNullOrEmpty(e.Name))
            .DistinctBy(e => e.Name, StringComparer.Ordinal)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToArray();
        (_names, _nameStarts) = Join(_entries.Select(e => e.Name));
        (_descriptions, _descriptionStarts) = Join(_entries.Select(e => e.Description));
        _lowerNames = _entries.Select(e => e.Name.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        _opaque = opaque.Select(o => o.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
    }

    public static PackageCatalogue Empty { get; } = new([], []);

    public int Count => _entries.Length;

    public IReadOnlyList<CatalogueEntry> Entries => _entries;

    public IReadOnlyList<string> Opaque => _opaque;

    /// <summary>
    /// The best <paramref name="limit"/> packages for <paramref name="query"/>
    /// and how many matched in all. Ranked: the exact name, then names that
    /// start with the query, then names with a part (after '.', '-' or '_')
    /// that starts with it, then names containing it, then descriptions
    /// containing it; shorter names first within a rank, then by name.
    /// </summary>
    public (IReadOnlyList<CatalogueEntry> Results, int Matches) Search(string query, int limit)
    {
        var needle = Normalise(query);
        if (needle.Length == 0 || limit <= 0) return ([], 0);

        var best = new TopMatches(limit);
        var matched = new bool[_entries.Length];
        var matches = 0;
        for (var at = _names.IndexOf(needle, StringComparison.Ordinal); at >= 0;)
        {
            var entry = EntryAt(_nameStarts, at);
            var start = _nameStarts[entry];
            var end = _nameStarts[entry + 1] - 1;
            matched[entry] = true;
            matches++;
            best.Offer(new Match(Rank(at - start, end - start, needle.Length, _names, at), end - start, entry));
            at = end + 1 < _names.Length ? _names.IndexOf(needle, end + 1, StringComparison.Ordinal) : -1;
        }
        for (var at = _descriptions.IndexOf(needle, StringComparison.Ordinal); at >= 0;)
        {
            var entry = EntryAt(_descriptionStarts, at);
            var end = _descriptionStarts[entry + 1] - 1;
            if (!matched[entry])
            {
                matched[entry] = true;
                matches++;
                best.Offer(new Match(4, _entries[entry].Name.Length, entry));
            }
            at = end + 1 < _descriptions.Length ? _descriptions.IndexOf(needle, end + 1, StringComparison.Ordinal) : -1;
        }
        return (best.Sorted().Select(m => _entries[m.Entry]).ToArray(), matches);
    }

    /// <summary>
    /// The names that are certainly not packages: no attribute path matches
    /// them (ignoring case, as the selection does) and none of their dotted
    /// prefixes is a set the catalogue did not look into.
    /// </summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> names) =>
        names.Where(name => !MayExist(name.ToLowerInvariant())).ToArray();

    private bool MayExist(string name)
    {
        if (_lowerNames.Contains(name)) return true;
        foreach (var opaque in _opaque)
        {
            if (name.Length == opaque.Length ? name == opaque
                : name.Length > opaque.Length && name[opaque.Length] == '.' && name.StartsWith(opaque, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Lowercase, and without the separator, which could otherwise match across two entries.</summary>
    private static string Normalise(string query) => query.Trim().Replace(Separator.ToString(), "").ToLowerInvariant();

    private static int Rank(int offset, int length, int needleLength, string text, int at)
    {
        if (offset == 0) return needleLength == length ? 0 : 1;
        return text[at - 1] is '.' or '-' or '_' ? 2 : 3;
    }

    private static (string Text, int[] Starts) Join(IEnumerable<string> values)
    {
        var text = new StringBuilder();
        var starts = new List<int>();
        foreach (var value in values)
        {
            starts.Add(text.Length);
            text.Append(Normalise(value)).Append(Separator);
        }
        starts.Add(text.Length);
        return (text.ToString(), starts.ToArray());
    }

    /// <summary>The entry whose text contains offset <paramref name="at"/>.</summary>
    private static int EntryAt(int[] starts, int at)
    {
        var index = Array.BinarySearch(starts, at);
        return index >= 0 ? index : ~index - 1;
    }

    private readonly record struct Match(int Rank, int Length, int Entry) : IComparable<Match>
    {
        // Entries are sorted by name, so the entry index breaks ties by name.
        public int CompareTo(Match other) =>
            Rank != other.Rank ? Rank.CompareTo(other.Rank)
            : Length != other.Length ? Length.CompareTo(other.Length)
            : Entry.CompareTo(other.Entry);
    }

    /// <summary>The best <c>limit</c> matches seen, kept in a heap whose top is the worst of them.</summary>
    private sealed class TopMatches(int limit)
    {
        private readonly PriorityQueue<Match, Match> _heap = new(Comparer<Match>.Create((a, b) => b.CompareTo(a)));

        public void Offer(Match match)
        {
            if (_heap.Count < limit) _heap.Enqueue(match, match);
            else if (match.CompareTo(_heap.Peek()) < 0) _heap.EnqueueDequeue(match, match);
        }

        public IEnumerable<Match> Sorted() => _heap.UnorderedItems.Select(i => i.Element).Order();
    }
}

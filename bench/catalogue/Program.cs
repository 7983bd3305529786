using System.Diagnostics;
using Nixery;
using Nixery.Catalogue;

// Package search on a generated nixpkgs-sized catalogue (100,000 attribute
// paths with descriptions, shaped like nixpkgs: top-level names plus nested
// sets such as python3Packages and haskellPackages), against a naive linear
// scan with case-insensitive Contains over every name and description,
// ranked the same way, in the same run.
//
//   dotnet run -c Release --project bench/catalogue [-- COUNT]
var count = args.Length > 0 ? int.Parse(args[0]) : 100_000;
var entries = Generate(count, new Random(20261201));
var build = Stopwatch.StartNew();
var catalogue = new PackageCatalogue(entries, []);
build.Stop();
Console.WriteLine($"catalogue: {catalogue.Count:N0} attribute paths, {entries.Sum(e => e.Name.Length + e.Description.Length) / 1e6:0.0} M characters, indexed in {build.Elapsed.TotalMilliseconds:0} ms");
Console.WriteLine();
Console.WriteLine($"{"query",-24} {"matches",8} {"indexed µs",11} {"naive µs",10} {"speed-up",9}");

string[] queries = ["git", "python3packages.req", "lib", "x", "ssl", "haskell", "qt6", "zzzz-nothing"];
var ratios = new List<double>();
foreach (var query in queries)
{
    var (indexed, matches) = catalogue.Search(query, 50);
    var naive = Naive(entries, query, 50);
    if (!indexed.Select(e => e.Name).SequenceEqual(naive.Select(e => e.Name)))
        throw new InvalidOperationException($"the two searches disagree on '{query}'");
    var ours = Measure(() => catalogue.Search(query, 50));
    var baseline = Measure(() => Naive(entries, query, 50));
    ratios.Add(baseline / ours);
    Console.WriteLine($"{query,-24} {matches,8:N0} {ours,11:0.0} {baseline,10:0.0} {baseline / ours,8:0.0}x");
}
Console.WriteLine();
Console.WriteLine($"geometric mean speed-up: {Math.Exp(ratios.Average(Math.Log)):0.0}x");

// Median of timed batches, in microseconds per search.
static double Measure(Action search)
{
    for (var i = 0; i < 3; i++) search();
    var batches = new List<double>();
    for (var batch = 0; batch < 9; batch++)
    {
        var watch = Stopwatch.StartNew();
        var n = 0;
        do { search(); n++; } while (watch.ElapsedMilliseconds < 60);
        batches.Add(watch.Elapsed.TotalMicroseconds / n);
    }
    batches.Sort();
    return batches[batches.Count / 2];
}

static IReadOnlyList<CatalogueEntry> Naive(IReadOnlyList<CatalogueEntry> entries, string query, int limit) =>
    entries
        .Select((e, i) => (Entry: e, Rank:
            e.Name.Equals(query, StringComparison.OrdinalIgnoreCase) ? 0
            : e.Name.StartsWith(query, StringComparison.OrdinalIgnoreCase) ? 1
            : e.Name.Contains(query, StringComparison.OrdinalIgnoreCase)
                ? (PartStart(e.Name, query) ? 2 : 3)
            : e.Description.Contains(query, StringComparison.OrdinalIgnoreCase) ? 4 : -1))
        .Where(m => m.Rank >= 0)
        .OrderBy(m => m.Rank).ThenBy(m => m.Entry.Name.Length).ThenBy(m => m.Entry.Name, StringComparer.Ordinal)
        .Take(limit)
        .Select(m => m.Entry)
        .ToArray();

// Ranked by the first occurrence, as the index ranks it.
static bool PartStart(string name, string query)
{
    var at = name.IndexOf(query, StringComparison.OrdinalIgnoreCase);
    return at > 0 && name[at - 1] is '.' or '-' or '_';
}

static IReadOnlyList<CatalogueEntry> Generate(int count, Random random)
{
    string[] syllables = ["lib", "py", "gtk", "qt", "x", "ssl", "net", "git", "rust", "go", "ml", "zip", "png", "gl", "db", "sql", "dev", "kit", "io", "web", "ai", "core", "fs", "cli", "tool", "mon", "pkg", "audio", "font", "doc"];
    string[] sets = ["python3Packages", "python312Packages", "haskellPackages", "perlPackages", "nodePackages", "rubyPackages", "ocamlPackages", "luaPackages", "xorg", "gnome", "kdePackages", "qt6", "texlivePackages", "vimPlugins", "emacsPackages"];
    string[] words = ["library", "tool", "for", "the", "command-line", "interface", "bindings", "to", "fast", "parser", "server", "client", "Python", "Haskell", "X11", "GTK", "TLS", "compression", "network", "image", "font", "editor", "plugin", "framework", "utilities"];
    var names = new HashSet<string>(StringComparer.Ordinal);
    var entries = new List<CatalogueEntry>(count);
    while (entries.Count < count)
    {
        var parts = random.Next(1, 4);
        var name = string.Concat(Enumerable.Range(0, parts).Select(_ => syllables[random.Next(syllables.Length)]));
        if (random.Next(3) == 0) name += "-" + syllables[random.Next(syllables.Length)];
        if (random.Next(4) == 0) name += random.Next(1, 40);
        // About 60 % of nixpkgs' attribute paths sit in nested sets.
        if (random.Next(10) < 6) name = sets[random.Next(sets.Length)] + "." + name;
        if (!names.Add(name)) continue;
        var description = string.Join(' ', Enumerable.Range(0, random.Next(3, 10)).Select(_ => words[random.Next(words.Length)]));
        entries.Add(new CatalogueEntry(name, $"{random.Next(0, 10)}.{random.Next(0, 30)}", description));
    }
    return entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToArray();
}

// Layering benchmark (issue 4): compares the layering strategies on a
// generated nixpkgs-shaped package set. Run from the repository root:
//
//     dotnet run -c Release --project bench/layering
//
// Everything is seeded; the tables (all but the time and memory columns) and
// the output digests are identical on every run and machine.
using System.Globalization;
using Nixery.Bench.Layering;
using Nixery.Layering;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int Seed = 2025;
const int Images = 100;

var generator = new PackageSetGenerator(new GeneratorSettings(Seed, Packages: 6000));
var (first, second) = (generator.First, generator.Second);
var requests = ImageCorpus.Requests(generator.Requestable, Images, Seed);
var closures = requests.Select(r => first.ClosureOf(r)).ToList();
var pathCounts = closures.Select(c => c.Paths.Count).Order().ToArray();
var newPaths = second.Paths.Keys.Except(first.Paths.Keys).Count();

Console.WriteLine($"Package set (seed {Seed}): {first.Paths.Count} store paths, {Megabytes(first.Paths.Values.Sum(p => p.NarSize))} MB.");
Console.WriteLine($"Revision 2 changes {string.Join(", ", generator.Changed)}: {newPaths} store paths ({100.0 * newPaths / first.Paths.Count:F1} %) are new.");
Console.WriteLine($"Corpus: {Images} images of 1–5 packages (Zipf) plus cacert and iana-etc; closures of {pathCounts[0]}–{pathCounts[^1]} paths " +
                  $"(median {pathCounts[pathCounts.Length / 2]}, {pathCounts.Count(c => c > NixeryLayering.NixeryBudget)} over 94), " +
                  $"{Megabytes(closures.Sum(c => c.Paths.Values.Sum(p => p.NarSize)))} MB in all.");
Console.WriteLine("Bytes are uncompressed NAR sizes; MB = 10^6 bytes. A layer is identified by its sorted store-path set.");
Console.WriteLine();

var firstPopularity = PopularityCounter.Count([first.Everything()]);
var secondPopularity = PopularityCounter.Count([second.Everything()]);
var candidates = new (string Label, ILayeringStrategy Strategy, int Budget, bool Popcount)[]
{
    ("nixery", new NixeryLayering(), NixeryLayering.NixeryBudget, false),
    ("nixery+popcount", new NixeryLayering(), NixeryLayering.NixeryBudget, true),
    ("popularity", new PopularityLayering(), PopularityLayering.DockerToolsBudget, false),
    ($"{StableLayering.StrategyName} (default)", new StableLayering(), StableLayering.DefaultBudget, false),
    ($"{StableLayering.StrategyName}@64", new StableLayering(), 64, false),
    ("per-path, no budget", new OnePathPerLayer(), int.MaxValue, false),
};

var results = new Dictionary<string, PullResult>();
var table = new Table("strategy", "budget", "corpus MB", "rev-2 MB", "stored MB", "blobs", "layers max", "mean",
    "docker corpus MB", "docker rev-2 MB", "over budget", "output digest");
foreach (var (label, strategy, budget, popcount) in candidates)
{
    var result = PullSimulation.Run(strategy, requests,
        first, new LayeringContext(budget, popcount ? firstPopularity : Popularity.None),
        second, new LayeringContext(budget, popcount ? secondPopularity : Popularity.None));
    results[label] = result;
    table.Add(label, budget == int.MaxValue ? "-" : budget.ToString(), Megabytes(result.CorpusBytes), Megabytes(result.RevisionBytes),
        Megabytes(result.StoredBytes), result.CorpusBlobs.ToString(), result.MaxLayers.ToString(), result.MeanLayers.ToString("F1"),
        Megabytes(result.DockerCorpusBytes), Megabytes(result.DockerRevisionBytes), result.OverBudget.ToString(), result.Digest);
}
Console.WriteLine("Pulling the corpus on revision 1, then again on revision 2, with one layer cache:");
Console.WriteLine(table);
Console.WriteLine("corpus: bytes downloaded for revision 1; rev-2: bytes downloaded for revision 2 afterwards; stored: distinct layers of both;");
Console.WriteLine("blobs: layers downloaded for revision 1; docker: the same pulls by a client that reuses a layer only on the same chain of layers below it.");
Console.WriteLine();

var sweep = new Table("stable: floor \\ budget", "32", "48", "64", "94", "127");
foreach (var floor in new long[] { 0, 64 * 1024, 256 * 1024, 1024 * 1024, 4 * 1024 * 1024 })
{
    var cells = new List<string> { floor == 0 ? "no floor" : $"{floor / 1024} KiB" };
    foreach (var budget in new[] { 32, 48, 64, 94, 127 })
    {
        var r = PullSimulation.Run(new StableLayering(floor), requests, first, new LayeringContext(budget, Popularity.None), second, new LayeringContext(budget, Popularity.None));
        cells.Add($"{Megabytes(r.CorpusBytes)} / {Megabytes(r.RevisionBytes)} / {r.MeanLayers:F0}");
    }
    sweep.Add([.. cells]);
}
Console.WriteLine("Size floor and budget of the default (corpus MB / rev-2 MB / mean layers per image):");
Console.WriteLine(sweep);

var large = new PackageSetGenerator(new GeneratorSettings(Seed + 1, Packages: 12_100));
var referenced = large.First.Paths.Values.SelectMany(p => p.References).ToHashSet(StringComparer.Ordinal);
var largeClosure = large.First.ClosureOfPaths(large.First.Paths.Keys.Where(p => !referenced.Contains(p)));
var largePopularity = PopularityCounter.Count([largeClosure]);
var scaling = new Table("strategy", "time ms", "allocated MB", "peak heap MB");
foreach (var (label, strategy, budget, popcount) in candidates.Where(c => c.Strategy is not OnePathPerLayer && !c.Label.EndsWith("@64")))
{
    var s = ScalingMeasurement.Measure(strategy, largeClosure, new LayeringContext(budget, popcount ? largePopularity : Popularity.None));
    scaling.Add(label, s.Milliseconds.ToString("F0"), s.AllocatedMegabytes.ToString("F0"), s.PeakMegabytes.ToString("F0"));
}
Console.WriteLine($"Layering one {largeClosure.Paths.Count}-path closure ({Megabytes(largeClosure.Paths.Values.Sum(p => p.NarSize))} MB; median of 3 runs; varies by machine):");
Console.WriteLine(scaling);

var reordered = Reordered(closures[0], Seed);
var stableOnReorder = candidates.Where(c => c.Strategy is not OnePathPerLayer)
    .All(c => Same(c.Strategy.Group(closures[0], new LayeringContext(c.Budget, c.Popcount ? firstPopularity : Popularity.None)),
                   c.Strategy.Group(reordered, new LayeringContext(c.Budget, c.Popcount ? firstPopularity : Popularity.None))));
Console.WriteLine($"Same groups when the closure's paths and references arrive in another order: {(stableOnReorder ? "yes" : "NO")}.");
Console.WriteLine();

var seeds = new Table("other seeds: stable (default) ÷", "nixery corpus", "rev-2", "nixery+popcount corpus", "rev-2", "popularity corpus", "rev-2", "per-path corpus", "rev-2");
foreach (var otherSeed in new[] { 4, 77, 1234 })
{
    var g = new PackageSetGenerator(new GeneratorSettings(otherSeed, Packages: 6000));
    var r = ImageCorpus.Requests(g.Requestable, Images, otherSeed);
    var (p1, p2) = (PopularityCounter.Count([g.First.Everything()]), PopularityCounter.Count([g.Second.Everything()]));
    var byLabel = candidates.Where(c => !c.Label.EndsWith("@64")).ToDictionary(c => c.Label, c => PullSimulation.Run(c.Strategy, r,
        g.First, new LayeringContext(c.Budget, c.Popcount ? p1 : Popularity.None),
        g.Second, new LayeringContext(c.Budget, c.Popcount ? p2 : Popularity.None)));
    var mine = byLabel[$"{StableLayering.StrategyName} (default)"];
    seeds.Add([$"seed {otherSeed}", .. new[] { "nixery", "nixery+popcount", "popularity", "per-path, no budget" }
        .SelectMany(o => new[] { $"{(double)mine.CorpusBytes / byLabel[o].CorpusBytes:F3}", $"{(double)mine.RevisionBytes / byLabel[o].RevisionBytes:F3}" })]);
}
Console.WriteLine("The same comparison on package sets and corpora from other seeds (ratios; below 1 is better):");
Console.WriteLine(seeds);

var ours = results[$"{StableLayering.StrategyName} (default)"];
foreach (var (metric, pick) in new (string, Func<PullResult, double>)[]
{
    ("corpus bytes", r => r.CorpusBytes),
    ("rev-2 bytes", r => r.RevisionBytes),
    ("stored bytes", r => r.StoredBytes),
    ("blobs pulled", r => r.CorpusBlobs),
    ("mean layers", r => r.MeanLayers),
    ("docker corpus bytes", r => r.DockerCorpusBytes),
    ("docker rev-2 bytes", r => r.DockerRevisionBytes),
})
{
    var ratios = new[] { "nixery", "nixery+popcount", "popularity", "per-path, no budget" }
        .Select(other => $"{pick(ours) / pick(results[other]):F3}× {other}");
    Console.WriteLine($"{StableLayering.StrategyName} {metric}: {string.Join(", ", ratios)}");
}

static string Megabytes(long bytes) => (bytes / 1e6).ToString("F0");

static ClosureGraph Reordered(ClosureGraph graph, int seed)
{
    var random = new Random(seed);
    var infos = graph.Paths.Values.Select(i => i with { References = [.. i.References.OrderBy(_ => random.Next())] }).ToArray();
    random.Shuffle(infos);
    return new ClosureGraph(infos, graph.Roots.Reverse());
}

static bool Same(IReadOnlyList<LayerGroup> a, IReadOnlyList<LayerGroup> b) =>
    a.Count == b.Count && a.Zip(b).All(p => p.First.Paths.SequenceEqual(p.Second.Paths));

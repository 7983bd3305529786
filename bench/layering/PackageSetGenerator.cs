namespace Nixery.Bench.Layering;

/// <summary>Shape of a generated package set.</summary>
/// <param name="Seed">Everything below follows from it: same seed, same package set.</param>
/// <param name="Packages">Ordinary packages besides the fixed hubs.</param>
/// <param name="Levels">Dependency depth: a package refers to lower levels only, always one level below.</param>
/// <param name="ChangedPackages">Mid-level packages whose source changes in the second revision.</param>
public sealed record GeneratorSettings(int Seed, int Packages, int Levels = 24, int ChangedPackages = 5);

/// <summary>
/// Generates nixpkgs-shaped package sets: a bootstrap core (glibc and its
/// dependencies) that almost everything refers to, a handful of other hubs
/// (zlib, openssl, libstdc++, bash, python3 …), and thousands of packages
/// with long-tail sizes from bytes to hundreds of megabytes, preferential
/// attachment to popular libraries and dependency chains two dozen deep.
/// Some packages split off a <c>-lib</c> output that their dependents use.
/// The second revision changes a handful of mid-level packages; as in Nix,
/// their store paths and those of everything depending on them change.
/// </summary>
public sealed class PackageSetGenerator
{
    private readonly GeneratorSettings _settings;
    private readonly List<Package> _packages = [];

    public PackageSetGenerator(GeneratorSettings settings)
    {
        _settings = settings;
        var random = new Random(settings.Seed);
        AddHubs();
        AddOrdinaryPackages(random);
        Requestable = RankRequests(random);
        Changed = ChooseChanges(random);
        First = Build(revision: 1);
        Second = Build(revision: 2);
    }

    public PackageSet First { get; }

    public PackageSet Second { get; }

    /// <summary>Attribute names clients ask for, most requested first.</summary>
    public IReadOnlyList<string> Requestable { get; }

    /// <summary>Attributes whose source changed in the second revision.</summary>
    public IReadOnlyList<string> Changed { get; }

    private sealed class Package(string attribute, string version, int level, long size)
    {
        public string Attribute { get; } = attribute;
        public string Version { get; set; } = version;
        public int Level { get; } = level;
        public long Size { get; set; } = size;

        /// <summary>Share of the size that sits in a separate <c>-lib</c> output, if any.</summary>
        public double LibShare { get; init; }

        public List<int> Dependencies { get; } = [];
        public bool Changed { get; set; }
        public double Attractiveness { get; set; } = 1;
    }

    // Bootstrap core and hubs, sizes in the range nixpkgs has them; each refers
    // only to hubs listed before it.
    private void AddHubs()
    {
        Hub("libunistring", "1.2", 1_900_000);
        Hub("libidn2", "2.3.7", 350_000, "libunistring");
        Hub("xgcc", "14.2.1-libgcc", 140_000);
        Hub("glibc", "2.40-66", 30_000_000, "libidn2", "xgcc");
        Hub("gcc", "14.2.1-lib", 8_000_000, "glibc");
        Hub("zlib", "1.3.1", 130_000, "glibc");
        Hub("attr", "2.5.2", 60_000, "glibc");
        Hub("acl", "2.3.2", 300_000, "glibc", "attr");
        Hub("gmp", "6.3.0", 700_000, "glibc", "gcc");
        Hub("bash", "5.2p37", 1_600_000, "glibc");
        Hub("openssl", "3.3.2", 6_500_000, "glibc");
        Hub("ncurses", "6.5", 3_000_000, "glibc");
        Hub("readline", "8.2p13", 500_000, "glibc", "ncurses");
        Hub("libffi", "3.4.6", 70_000, "glibc");
        Hub("bzip2", "1.0.8", 100_000, "glibc");
        Hub("xz", "5.6.3", 400_000, "glibc");
        Hub("expat", "2.6.4", 300_000, "glibc");
        Hub("sqlite", "3.46.1", 2_000_000, "glibc", "zlib", "readline");
        Hub("coreutils", "9.5", 8_000_000, "glibc", "acl", "attr", "gmp", "openssl");
        Hub("tzdata", "2024b", 2_000_000);
        Hub("icu4c", "74.2", 35_000_000, "glibc", "gcc");
        Hub("libxml2", "2.13.4", 2_500_000, "glibc", "zlib", "xz", "icu4c");
        Hub("perl", "5.40.0", 60_000_000, "glibc", "zlib", "coreutils");
        Hub("python3", "3.12.8", 110_000_000, "glibc", "bzip2", "expat", "libffi", "ncurses", "openssl", "readline", "sqlite", "xz", "zlib", "tzdata", "bash");
        Hub("curl", "8.11.1", 1_200_000, "glibc", "openssl", "zlib");
        Hub("systemd", "256.8", 30_000_000, "glibc", "gcc", "openssl", "xz", "zlib", "acl", "libxml2");
        Hub("llvm", "19.1.5-lib", 220_000_000, "glibc", "gcc", "zlib", "libxml2", "libffi", "ncurses");
        Hub("nss-cacert", "3.107", 500_000);
        Hub("iana-etc", "20240318", 600_000);
    }

    // How often an ordinary package refers to each hub directly.
    private static readonly (string Hub, double Chance)[] HubUse =
    [
        ("glibc", 0.96), ("gcc", 0.30), ("zlib", 0.25), ("bash", 0.15), ("openssl", 0.12),
        ("python3", 0.03), ("perl", 0.03), ("coreutils", 0.05), ("ncurses", 0.05), ("libxml2", 0.04),
        ("curl", 0.04), ("xz", 0.04), ("bzip2", 0.03), ("libffi", 0.03), ("expat", 0.03),
        ("sqlite", 0.03), ("readline", 0.03), ("systemd", 0.015), ("icu4c", 0.02), ("tzdata", 0.02),
        ("gmp", 0.02), ("acl", 0.02), ("llvm", 0.005),
    ];

    private int HubCount { get; set; }

    private void Hub(string attribute, string version, long size, params string[] dependencies)
    {
        var hub = new Package(attribute, version, 0, size);
        hub.Dependencies.AddRange(dependencies.Select(IndexOf));
        _packages.Add(hub);
        HubCount = _packages.Count;
    }

    private int IndexOf(string attribute) => _packages.FindIndex(p => p.Attribute == attribute);

    private void AddOrdinaryPackages(Random random)
    {
        var names = new NameMaker(random);
        var levels = Enumerable.Range(0, _settings.Packages)
            .Select(_ => 1 + (int)(Math.Pow(random.NextDouble(), 1.2) * _settings.Levels))
            .Order().ToArray();
        foreach (var level in levels)
        {
            var libShare = random.NextDouble() < 0.25 ? 0.4 + 0.3 * random.NextDouble() : 0;
            _packages.Add(new Package(names.Next(), Version(random), level, Size(random)) { LibShare = libShare });
        }

        // A few libraries are used by very many packages (Zipf over a random order).
        var ordinary = Enumerable.Range(HubCount, _settings.Packages).ToArray();
        random.Shuffle(ordinary);
        for (var rank = 0; rank < ordinary.Length; rank++)
            _packages[ordinary[rank]].Attractiveness = 1.0 / Math.Pow(rank + 5, 1.1);

        var firstOfLevel = new int[_settings.Levels + 2];
        for (var level = 0; level <= _settings.Levels + 1; level++)
            firstOfLevel[level] = _packages.FindIndex(HubCount, p => p.Level >= level) is var i and >= 0 ? i : _packages.Count;
        var cumulative = new double[_packages.Count + 1];
        for (var i = HubCount; i < _packages.Count; i++) cumulative[i + 1] = cumulative[i] + _packages[i].Attractiveness;
        for (var i = 0; i < HubCount; i++) cumulative[i + 1] = 0;

        for (var i = HubCount; i < _packages.Count; i++)
        {
            var package = _packages[i];
            var dependencies = new SortedSet<int>();
            foreach (var (hub, chance) in HubUse)
                if (random.NextDouble() < chance) dependencies.Add(IndexOf(hub));
            if (package.Level > 1)
            {
                // One dependency from the level just below keeps chains deep.
                if (random.NextDouble() < 0.6)
                {
                    var below = Pick(random, cumulative, firstOfLevel[package.Level - 1], firstOfLevel[package.Level]);
                    if (below >= 0) dependencies.Add(below);
                }
                var extra = Poisson(random, 1.2);
                for (var k = 0; k < extra; k++)
                {
                    var any = Pick(random, cumulative, HubCount, firstOfLevel[package.Level]);
                    if (any >= 0) dependencies.Add(any);
                }
            }
            package.Dependencies.AddRange(dependencies);
        }
    }

    private static int Pick(Random random, double[] cumulative, int from, int to)
    {
        if (to <= from) return -1;
        var target = cumulative[from] + random.NextDouble() * (cumulative[to] - cumulative[from]);
        var index = Array.BinarySearch(cumulative, from, to - from + 1, target);
        if (index < 0) index = ~index;
        return Math.Clamp(index - 1, from, to - 1);
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var count = 0;
        for (var product = random.NextDouble(); product > limit; product *= random.NextDouble()) count++;
        return count;
    }

    // Long tail: wrappers and hooks of a few hundred bytes, most packages between
    // tens of kilobytes and tens of megabytes, a few of hundreds of megabytes.
    private static long Size(Random random)
    {
        var draw = random.NextDouble();
        if (draw < 0.08) return 100 + (long)(30_000 * random.NextDouble() * random.NextDouble());
        if (draw < 0.085) return (long)Math.Exp(Math.Log(100e6) + random.NextDouble() * Math.Log(8));
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Max(1_000, (long)Math.Exp(Math.Log(600_000) + 1.8 * normal));
    }

    private static string Version(Random random) => $"{random.Next(0, 10)}.{random.Next(0, 30)}.{random.Next(0, 12)}";

    private IReadOnlyList<string> RankRequests(Random random)
    {
        // Applications sit high in the graph; a few hubs are asked for by name too.
        var candidates = _packages.Skip(HubCount).Where(p => p.Level >= 5).Select(p => p.Attribute)
            .Concat(["python3", "perl", "curl", "bash", "coreutils", "sqlite"]).ToArray();
        random.Shuffle(candidates);
        return candidates;
    }

    private IReadOnlyList<string> ChooseChanges(Random random)
    {
        var dependents = DependentCounts();
        var candidates = Enumerable.Range(HubCount, _settings.Packages)
            .Where(i => _packages[i].Level >= _settings.Levels / 5 && _packages[i].Level <= _settings.Levels / 2)
            .Where(i => dependents[i] >= _settings.Packages / 200 && dependents[i] <= _settings.Packages / 12)
            .ToArray();
        random.Shuffle(candidates);
        var changed = candidates.Take(_settings.ChangedPackages).Order().ToArray();
        foreach (var i in changed) _packages[i].Changed = true;
        return changed.Select(i => _packages[i].Attribute).ToArray();
    }

    private int[] DependentCounts()
    {
        // Transitive dependents as bit sets; dependents always have higher numbers.
        var words = (_packages.Count + 63) / 64;
        var dependents = new ulong[_packages.Count][];
        for (var i = 0; i < _packages.Count; i++) dependents[i] = new ulong[words];
        for (var i = _packages.Count - 1; i >= 0; i--)
            foreach (var dependency in _packages[i].Dependencies)
            {
                dependents[dependency][i / 64] |= 1UL << (i % 64);
                for (var w = 0; w < words; w++) dependents[dependency][w] |= dependents[i][w];
            }
        return dependents.Select(d => d.Sum(w => System.Numerics.BitOperations.PopCount(w))).ToArray();
    }

    private PackageSet Build(int revision)
    {
        var paths = new Dictionary<string, GeneratedPath>(StringComparer.Ordinal);
        var usedOutput = new string[_packages.Count];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _packages.Count; i++) // dependencies always come earlier
        {
            var package = _packages[i];
            var changed = revision == 2 && package.Changed;
            var version = changed ? Bumped(package.Version) : package.Version;
            var size = changed ? (long)(package.Size * (0.97 + 0.08 * Fraction(package.Attribute))) : package.Size;
            var salt = changed ? "rev2" : "rev1";
            var references = package.Dependencies.Select(d => usedOutput[d]).Order(StringComparer.Ordinal).ToArray();
            var name = $"{package.Attribute}-{version}";
            string main;
            if (package.LibShare > 0)
            {
                var libSize = (long)(size * package.LibShare);
                var lib = Add(paths, $"{name}-lib", libSize, references, salt);
                main = Add(paths, name, size - libSize, [lib, .. references], salt);
                usedOutput[i] = Fraction(package.Attribute + "/lib") < 0.85 ? lib : main;
            }
            else usedOutput[i] = main = Add(paths, name, size, references, salt);
            attributes[package.Attribute] = main;
        }
        attributes["cacert"] = attributes["nss-cacert"];
        return new PackageSet(paths, attributes);
    }

    private static string Add(Dictionary<string, GeneratedPath> paths, string name, long size, string[] references, string salt)
    {
        var path = $"/nix/store/{StorePathHash.Of($"{name}|{salt}|{string.Join(',', references)}")}-{name}";
        paths[path] = new GeneratedPath(path, size, references);
        return path;
    }

    private static string Bumped(string version)
    {
        var parts = version.Split('.');
        parts[^1] = (int.Parse(parts[^1]) + 1).ToString();
        return string.Join('.', parts);
    }

    // A fixed pseudo-random fraction per key, so revisions agree without sharing a Random.
    private static double Fraction(string key) =>
        BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))) / 4294967296.0;

    private sealed class NameMaker(Random random)
    {
        private static readonly string[] Onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "w", "x", "z", "br", "cr", "dr", "gl", "pl", "st", "tr", "sn"];
        private static readonly string[] Nuclei = ["a", "e", "i", "o", "u", "y", "ai", "ou", "ee"];
        private readonly HashSet<string> _taken = [];

        public string Next()
        {
            while (true)
            {
                var syllables = 2 + random.Next(0, 2);
                var name = string.Concat(Enumerable.Range(0, syllables).Select(_ => Onsets[random.Next(Onsets.Length)] + Nuclei[random.Next(Nuclei.Length)]));
                if (random.NextDouble() < 0.2) name = "lib" + name;
                if (_taken.Add(name)) return name;
            }
        }
    }
}

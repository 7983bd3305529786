namespace Nixery.Tests.Support;

/// <summary>
/// The outside witness of what the registry asks of Nix: a directory put
/// first on the registry's PATH holds a wrapper for every Nix program, which
/// records the program and its arguments in one log and then runs the real
/// program found further along PATH (wherever this machine installed it).
/// Tests count what Nix was asked from that log, never from the registry's
/// own log lines or counters. A witness of one process can also record in
/// the witness of the whole cluster, so both per-silo and total counts exist.
/// </summary>
public sealed class NixInvocations : IDisposable
{
    private static readonly string[] Programs = ["nix", "nix-store", "nix-instantiate", "nix-build", "nix-env"];

    private readonly TemporaryDirectory _directory = new();

    public NixInvocations(NixInvocations? alsoRecordIn = null)
    {
        string[] logs = alsoRecordIn is null ? [LogPath] : [LogPath, alsoRecordIn.LogPath];
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var program in Programs)
        {
            var real = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
            if (real is null) continue;
            var wrapper = _directory.Combine(program);
            var record = string.Concat(logs.Select(log => $"echo \"{program} $*\" >> '{log}'\n"));
            File.WriteAllText(wrapper, $"#!/bin/sh\n{record}exec '{real}' \"$@\"\n");
            File.SetUnixFileMode(wrapper, (UnixFileMode)0b111_101_101);
        }
        Assert.True(File.Exists(_directory.Combine("nix-store")), $"nix-store is not on PATH ({path})");
        File.WriteAllText(LogPath, "");
    }

    public string LogPath => _directory.Combine("invocations.log");

    /// <summary>The PATH for the registry's processes.</summary>
    public string SearchPath => $"{_directory.Path}:{Environment.GetEnvironmentVariable("PATH")}";

    /// <summary>Every invocation since the last <see cref="Reset"/>: program and arguments.</summary>
    public IReadOnlyList<string> Lines => File.ReadAllLines(LogPath);

    /// <summary>Realisations of derivations (builds; not the rooting of an output path) since the last <see cref="Reset"/>.</summary>
    public int Builds => Realisations.Count();

    /// <summary>Realisations whose derivations include one of each of <paramref name="packages"/> (by store name, e.g. <c>jq</c>).</summary>
    public int BuildsOf(params string[] packages) =>
        Realisations.Count(line => packages.All(p => line.Split(' ').Any(word => IsDerivationOf(word, p))));

    /// <summary>How many times Nix was asked to select an image's packages (select-packages.nix) since the last <see cref="Reset"/>.</summary>
    public int Selections => Lines.Count(line => line.StartsWith("nix-instantiate ", StringComparison.Ordinal) && line.Contains("select-packages", StringComparison.Ordinal));

    public void Reset() => File.WriteAllText(LogPath, "");

    public void Dispose() => _directory.Dispose();

    private IEnumerable<string> Realisations =>
        Lines.Where(line => line.StartsWith("nix-store ", StringComparison.Ordinal) && line.Contains(" --realise", StringComparison.Ordinal) && line.Contains(".drv", StringComparison.Ordinal));

    /// <summary><c>/nix/store/&lt;hash&gt;-jq-1.7.1.drv!out</c> is a derivation of <c>jq</c>.</summary>
    private static bool IsDerivationOf(string word, string package)
    {
        var drv = word.Split('!')[0];
        if (!drv.EndsWith(".drv", StringComparison.Ordinal)) return false;
        var name = Path.GetFileName(drv);
        var dash = name.IndexOf('-');
        return dash > 0 && name[(dash + 1)..].StartsWith(package + "-", StringComparison.Ordinal);
    }
}

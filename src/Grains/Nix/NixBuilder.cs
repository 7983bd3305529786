using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Layering;
using Nixery.Metrics;
using Nixery.Processes;
using Nixery.Sbom;

namespace Nixery.Nix;

/// <summary>
/// Asks Nix for an image's packages: select them from the package set
/// (names travel as JSON data, never as code), build them under a GC root,
/// and read the runtime closure with sizes and references.
/// </summary>
/// <param name="metrics">Where the durations of evaluation, realisation and the closure query go (the stages of a cold pull).</param>
public sealed class NixBuilder(CommandRunner runner, IOptions<NixOptions> options, ILogger<NixBuilder> logger, RegistryMetrics? metrics = null) : IClosureBuilder
{
    private readonly NixOptions _options = options.Value;
    private readonly NixConfinement _confinement = new(runner, options.Value);

    /// <summary>Nix may otherwise colour its messages; they are shown to clients.</summary>
    private static readonly Dictionary<string, string?> Environment = new() { ["NO_COLOR"] = "1" };

    public async Task<NixBuild> BuildAsync(ImageRequest request, string gcRoot, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        var selection = await SelectAsync(request.Source, request.Packages, request.Platform, cancellation);
        metrics?.Stage("evaluate", started);
        if (selection.Missing.Count > 0) throw new BuildFailedException(BuildError.PackagesMissing(selection.Missing));
        var outputs = selection.Found.SelectMany(p => p.Outputs).ToArray();
        started = Stopwatch.GetTimestamp();
        await RealiseAsync(outputs, gcRoot, cancellation);
        metrics?.Stage("realise", started);
        var roots = outputs.Select(o => o.Path).Distinct().ToArray();
        started = Stopwatch.GetTimestamp();
        var graph = await ClosureAsync(roots, cancellation);
        metrics?.Stage("closure", started);
        var meta = new Dictionary<string, PackageMeta>(StringComparer.Ordinal);
        foreach (var output in outputs)
            if (output.Meta is { } m) meta.TryAdd(output.Path, m);
        return new NixBuild(graph, roots)
        {
            Outputs = OutputNamesAsync(graph, cancellation),
            Meta = meta,
        };
    }

    /// <summary>Decides the host's sandbox settings (checked once per process) now, so that the first build does not wait for the check.</summary>
    public Task PrepareBuildsAsync() => _confinement.HostAsync();

    /// <summary>Copies a file or directory into the store; the store path pins its content.</summary>
    public async Task<string> ImportPathAsync(string path, CancellationToken cancellation)
    {
        var result = await RunAsync("nix-instantiate",
            ["--eval", "--read-write-mode", "--json",
             "--expr", "{ path }: builtins.path { path = /. + path; name = \"source\"; }",
             "--argstr", "path", System.IO.Path.GetFullPath(path)],
            cancellation);
        if (!result.Succeeded)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.SourceUnavailable,
                $"cannot read the package set at {path}: {NixErrorReport.FromEvaluation(result.ErrorTail).Message}"));
        }
        return JsonSerializer.Deserialize<string>(result.Output) ?? throw new InvalidOperationException("nix-instantiate printed no path");
    }

    /// <summary>The NAR size of <paramref name="storePath"/>: about what it takes in the store.</summary>
    public async Task<long> NarSizeAsync(string storePath, CancellationToken cancellation)
    {
        var result = await RunAsync("nix-store", ["--query", "--size", storePath], cancellation);
        return result.Succeeded && long.TryParse(result.Output.Trim(), out var size) ? size : 0;
    }

    /// <summary>Deletes <paramref name="storePath"/> from the store; false if anything still roots or references it (Nix then keeps it).</summary>
    public async Task<bool> DeleteAsync(string storePath, CancellationToken cancellation) =>
        (await RunAsync("nix-store", ["--delete", storePath], cancellation)).Succeeded;

    /// <summary>Whether <paramref name="storePath"/> exists in this silo's store.</summary>
    public async Task<bool> IsValidAsync(string storePath, CancellationToken cancellation) =>
        (await RunAsync("nix-store", ["--check-validity", storePath], cancellation)).Succeeded;

    /// <summary>Every derivation of a package set (see list-packages.nix), as attribute path and .drv.</summary>
    public async Task<IReadOnlyList<(string Name, string DrvPath)>> ListPackagesAsync(SourceRevision source, Platform platform, CancellationToken cancellation)
    {
        var result = await RunAsync("nix-instantiate",
            ["--eval", "--strict", "--json", "--read-write-mode", .. Restricted(source), NixExpressions.ListPackages,
             "--argstr", "source", source.NixSource, "--argstr", "system", platform.NixSystem],
            cancellation);
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromEvaluation(result.ErrorTail));
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.EnumerateArray()
            .Select(p => (p.GetProperty("name").GetString()!, p.GetProperty("drvPath").GetString()!))
            .ToArray();
    }

    /// <summary>The package catalogue of a revision as list-catalogue.nix prints it (JSON): evaluation only, nothing is built.</summary>
    public async Task<string> ListCatalogueAsync(SourceRevision source, Platform platform, CancellationToken cancellation)
    {
        var result = await RunAsync("nix-instantiate",
            ["--eval", "--strict", "--json", "--read-write-mode", .. Restricted(source), NixExpressions.ListCatalogue,
             "--argstr", "source", source.NixSource, "--argstr", "system", platform.NixSystem],
            cancellation);
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromEvaluation(result.ErrorTail));
        return result.Output;
    }

    /// <summary>
    /// Builds what it can of <paramref name="drvPaths"/> (failures do not stop
    /// the rest) and returns the output paths that exist afterwards.
    /// </summary>
    public async Task<IReadOnlyList<string>> RealiseWhatBuildsAsync(IReadOnlyList<string> drvPaths, CancellationToken cancellation)
    {
        await RunAsync("nix-store", ["--realise", "--keep-going", "--no-build-output", "--timeout", _options.BuilderTimeoutSeconds.ToString(), .. await _confinement.BuildAsync(), .. drvPaths], cancellation);
        var outputs = (await RunAsync("nix-store", ["--query", "--outputs", .. drvPaths], cancellation)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var invalid = (await RunAsync("nix-store", ["--check-validity", "--print-invalid", .. outputs], cancellation)).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return outputs.Where(o => !invalid.Contains(o)).Distinct().ToArray();
    }

    /// <summary>Keeps a store path alive through garbage collection while <paramref name="link"/> exists.</summary>
    public async Task AddRootAsync(string storePath, string link, CancellationToken cancellation)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(link)!);
        var result = await RunAsync("nix-store", ["--realise", storePath, "--add-root", link], cancellation);
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromEvaluation(result.ErrorTail));
    }

    public async Task<PackageSelectionResult> SelectAsync(SourceRevision source, IReadOnlyList<string> packages, Platform platform, CancellationToken cancellation)
    {
        var result = await RunAsync("nix-instantiate",
            ["--eval", "--strict", "--json", "--read-write-mode", .. Restricted(source), NixExpressions.SelectPackages,
             "--argstr", "source", source.NixSource,
             "--argstr", "packages", JsonSerializer.Serialize(packages),
             "--argstr", "system", platform.NixSystem],
            cancellation);
        // Exit status first: on failure stdout may already hold partial JSON.
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromEvaluation(result.ErrorTail));

        using var document = JsonDocument.Parse(result.Output);
        var found = document.RootElement.GetProperty("found").EnumerateArray()
            .Select(p => new SelectedPackage(
                p.GetProperty("name").GetString()!,
                p.GetProperty("packages").EnumerateArray()
                    .Select(o => new SelectedOutput(o.GetProperty("drvPath").GetString()!, o.GetProperty("output").GetString()!, o.GetProperty("path").GetString()!, MetaOf(o)))
                    .ToArray()))
            .ToArray();
        var missing = document.RootElement.GetProperty("missing").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.String ? m.GetString()! : m.GetRawText())
            .ToArray();
        return new PackageSelectionResult(found, missing);
    }

    /// <summary>
    /// Builds the outputs and registers them as GC roots under
    /// <paramref name="gcRoot"/>, so a garbage collection never removes a
    /// closure the registry still serves.
    /// </summary>
    public async Task RealiseAsync(IReadOnlyList<SelectedOutput> outputs, string gcRoot, CancellationToken cancellation)
    {
        Directory.CreateDirectory(gcRoot);
        var arguments = new List<string>
        {
            "--realise", "--no-build-output",
            "--timeout", _options.BuilderTimeoutSeconds.ToString(),
            "--option", "log-lines", _options.LogLines.ToString(),
            "--add-root", Path.Combine(gcRoot, "package"),
        };
        arguments.AddRange(await _confinement.BuildAsync());
        arguments.AddRange(outputs.Select(o => $"{o.DrvPath}!{o.Output}").Distinct());
        var result = await RunAsync("nix-store", arguments, cancellation);
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromBuild(result.ErrorTail));
    }

    public async Task<ClosureGraph> ClosureAsync(IReadOnlyList<string> roots, CancellationToken cancellation)
    {
        var result = await RunAsync("nix",
            ["--extra-experimental-features", "nix-command", "path-info", "--json", "--recursive", "--closure-size", .. roots],
            cancellation);
        if (!result.Succeeded) throw new BuildFailedException(NixErrorReport.FromEvaluation(result.ErrorTail));

        using var document = JsonDocument.Parse(result.Output);
        var paths = document.RootElement.EnumerateArray().Select(entry => new StorePathInfo(
            entry.GetProperty("path").GetString()!,
            entry.GetProperty("narSize").GetInt64(),
            entry.GetProperty("closureSize").GetInt64(),
            entry.GetProperty("references").EnumerateArray().Select(r => r.GetString()!).ToArray(),
            entry.TryGetProperty("narHash", out var narHash) ? narHash.GetString() : null,
            entry.TryGetProperty("deriver", out var deriver) ? deriver.GetString() : null));
        return new ClosureGraph(paths, roots);
    }

    /// <summary>
    /// Which output of its derivation each store path is, from the
    /// derivations Nix still has (paths added to the store directly have
    /// none). Only the SBOM needs it, so a failure leaves it empty rather
    /// than failing the image; it runs while the layers are packed, and
    /// nobody may be waiting for it when it fails, so it never faults.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> OutputNamesAsync(ClosureGraph graph, CancellationToken cancellation)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var derivers = graph.Paths.Values.Select(p => p.Deriver).OfType<string>().Distinct().Where(File.Exists).ToArray();
        if (derivers.Length == 0) return outputs;
        CommandResult result;
        try
        {
            result = await RunAsync("nix", ["--extra-experimental-features", "nix-command", "show-derivation", .. derivers], cancellation);
        }
        catch (Exception e) when (e is BuildFailedException or OperationCanceledException)
        {
            logger.LogWarning("output names unknown for the SBOM: {Error}", e.Message);
            return outputs;
        }
        if (!result.Succeeded)
        {
            logger.LogWarning("output names unknown for the SBOM: {Error}", result.ErrorTail);
            return outputs;
        }
        using var document = JsonDocument.Parse(result.Output);
        foreach (var derivation in document.RootElement.EnumerateObject())
            foreach (var output in derivation.Value.GetProperty("outputs").EnumerateObject())
                if (output.Value.TryGetProperty("path", out var path) && graph.Paths.ContainsKey(path.GetString()!))
                    outputs[path.GetString()!] = output.Name;
        return outputs;
    }

    private static PackageMeta? MetaOf(JsonElement output)
    {
        if (!output.TryGetProperty("meta", out var meta)) return null;
        string? Text(string name) => meta.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var licenses = meta.TryGetProperty("licenses", out var list)
            ? list.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()!).ToArray()
            : [];
        return new PackageMeta(licenses, Text("homepage"), Text("description"));
    }

    /// <summary>Evaluation may read the revision's store path and the registry's expressions, nothing else.</summary>
    private static IEnumerable<string> Restricted(SourceRevision source)
    {
        using var json = JsonDocument.Parse(source.NixSource);
        var path = json.RootElement.GetProperty("path").GetString()!;
        return NixConfinement.Evaluation([path, NixExpressions.Directory]);
    }

    private async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellation)
    {
        logger.LogDebug("running {Program} {Arguments}", program, arguments);
        try
        {
            return await runner.RunAsync(program, arguments, _options.BuildTimeout, cancellation, Environment);
        }
        catch (CommandTimedOutException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.TimedOut,
                $"{program} did not finish within the build time limit of {_options.BuildTimeoutSeconds} s"));
        }
    }
}

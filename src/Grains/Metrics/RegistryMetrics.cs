using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nixery.Metrics;

/// <summary>
/// The registry's own instruments (meter "Nixery"), exported by the hosts on
/// /metrics in Prometheus format: Nix builds, cache hits and misses, requests
/// and bytes served. Plain System.Diagnostics.Metrics, so the pipeline does
/// not depend on an exporter.
/// </summary>
public sealed class RegistryMetrics
{
    public const string MeterName = "Nixery";

    private readonly Counter<long> _nixBuildsStarted;
    private readonly Counter<long> _nixBuildsSucceeded;
    private readonly Counter<long> _nixBuildsFailed;
    private readonly Histogram<double> _nixBuildDuration;
    private readonly Histogram<double> _imageBuildDuration;
    private readonly Counter<long> _manifestCache;
    private readonly Counter<long> _layerCache;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytesServed;
    private readonly UpDownCounter<long> _buildsQueued;
    private readonly Histogram<double> _stageDuration;

    public RegistryMetrics(IMeterFactory meters)
    {
        var meter = Meter = meters.Create(MeterName);
        _nixBuildsStarted = meter.CreateCounter<long>("nixery.nix.builds.started", description: "Nix builds started");
        _nixBuildsSucceeded = meter.CreateCounter<long>("nixery.nix.builds.succeeded", description: "Nix builds that succeeded");
        _nixBuildsFailed = meter.CreateCounter<long>("nixery.nix.builds.failed", description: "Nix builds that failed, by error kind");
        _nixBuildDuration = meter.CreateHistogram<double>("nixery.nix.build.duration", "s", "Time Nix took to select, build and describe an image's packages");
        _imageBuildDuration = meter.CreateHistogram<double>("nixery.image.build.duration", "s", "Time to build a whole image, by outcome");
        _manifestCache = meter.CreateCounter<long>("nixery.manifest.cache", description: "Image requests answered from a built image (hit) or by a build (miss)");
        _layerCache = meter.CreateCounter<long>("nixery.layer.cache", description: "Layer requests answered from a packed layer (hit) or by packing (miss)");
        _requests = meter.CreateCounter<long>("nixery.registry.requests", description: "Registry API requests by route, method and status");
        _bytesServed = meter.CreateCounter<long>("nixery.blob.served", "By", "Blob bytes sent to clients (redirected blobs are not counted)");
        _buildsQueued = meter.CreateUpDownCounter<long>("nixery.nix.builds.queued", description: "Nix builds waiting for a build slot on this silo");
        _stageDuration = meter.CreateHistogram<double>("nixery.build.stage.duration", "s",
            "Time a cold pull spends in each stage: resolve, evaluate, realise, closure, layering, packing, customisation, manifest, record");
    }

    /// <summary>This registry's meter (one per process or silo), for listeners that must tell silos apart.</summary>
    public Meter Meter { get; }

    public void NixBuildStarted() => _nixBuildsStarted.Add(1);

    public void NixBuildFinished(TimeSpan duration, BuildErrorKind? failure)
    {
        if (failure is { } kind) _nixBuildsFailed.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
        else _nixBuildsSucceeded.Add(1);
        _nixBuildDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", failure is null ? "success" : "failure"));
    }

    public void ImageBuilt(TimeSpan duration, bool succeeded) =>
        _imageBuildDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));

    public void ManifestCache(bool hit) => _manifestCache.Add(1, Result(hit));

    public void LayerCache(bool hit) => _layerCache.Add(1, Result(hit));

    /// <summary>
    /// Counts a request. Routes, methods and statuses are few, so each
    /// combination's tags are built once and reused: at tens of thousands of
    /// requests a second, nothing is allocated or boxed per request.
    /// </summary>
    public void Request(string route, string method, int status)
    {
        if (!_requestTags.TryGetValue((route, method, status), out var tags))
        {
            tags = [new("route", route), new("method", method), new("status", status)];
            if (_requestTags.Count < MaxRequestTagSets) _requestTags.TryAdd((route, method, status), tags);
        }
        _requests.Add(1, tags);
    }

    /// <summary>Methods and statuses come from clients; past this many combinations, tags are built per request again.</summary>
    private const int MaxRequestTagSets = 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, int), KeyValuePair<string, object?>[]> _requestTags = new();

    public void BytesServed(long bytes) => _bytesServed.Add(bytes);

    public void BuildQueued(int change) => _buildsQueued.Add(change);

    /// <summary>Records how long a stage of building an image took, since <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Stage(string stage, long startedAt) =>
        _stageDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("stage", stage));

    private static KeyValuePair<string, object?> Result(bool hit) => new("result", hit ? "hit" : "miss");
}

// Packs store paths with LayerWriter, as a layer grain would, to Stream.Null, and reports
// the median time of several runs after one warm-up run (JIT, page cache).
//
// Usage: Nixery.Bench.Compression [--workers N] [--runs N] PATH...
// Prints one line: RESULT ours <tar bytes> <gzip bytes> <median seconds> <median CPU seconds> <blob digest> <peak RSS MiB>.

using System.Diagnostics;
using Nixery;
using Nixery.Packing;

int? workers = null;
var runs = 3;
var paths = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--workers": workers = int.Parse(args[++i]); break;
        case "--runs": runs = int.Parse(args[++i]); break;
        default: paths.Add(args[i]); break;
    }
}
if (paths.Count == 0)
{
    Console.Error.WriteLine("usage: Nixery.Bench.Compression [--workers N] [--runs N] PATH...");
    return 2;
}

// The tar's size, for the ratio; LayerWriter reports only the blob's.
var tar = new CountingStream();
await DeterministicTarWriter.WriteAsync(StorePathEntries.Of(paths), tar);

var writer = new LayerWriter(workers);
await writer.WriteAsync(StorePathEntries.Of(paths), Stream.Null);

var seconds = new List<double>();
var cpuSeconds = new List<double>();
LayerDescriptor? layer = null;
for (var run = 0; run < runs; run++)
{
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    layer = await writer.WriteAsync(StorePathEntries.Of(paths), Stream.Null);
    seconds.Add(clock.Elapsed.TotalSeconds);
    cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
}
seconds.Sort();
cpuSeconds.Sort();
Console.WriteLine(FormattableString.Invariant(
    $"RESULT ours {tar.Length} {layer!.Size} {seconds[seconds.Count / 2]:F4} {cpuSeconds[cpuSeconds.Count / 2]:F4} {layer.Digest} {Process.GetCurrentProcess().PeakWorkingSet64 >> 20}"));
return 0;

/// <summary>Counts what is written and drops it.</summary>
sealed class CountingStream : WriteOnlyStream
{
    private long _length;

    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
}

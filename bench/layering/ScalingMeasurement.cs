using System.Diagnostics;
using Nixery.Layering;

namespace Nixery.Bench.Layering;

/// <summary>Time and memory one strategy needs for one large closure.</summary>
/// <param name="Milliseconds">Median wall time of three runs after a warm-up run.</param>
/// <param name="AllocatedMegabytes">Managed memory allocated by one run.</param>
/// <param name="PeakMegabytes">Highest managed heap growth seen during one run, sampled every millisecond.</param>
public sealed record Scaling(double Milliseconds, double AllocatedMegabytes, double PeakMegabytes);

public static class ScalingMeasurement
{
    public static Scaling Measure(ILayeringStrategy strategy, ClosureGraph graph, LayeringContext context)
    {
        strategy.Group(graph, context);
        var times = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            strategy.Group(graph, context);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peak = baseline;
        var done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                Thread.Sleep(1);
            }
        });
        sampler.Start();
        strategy.Group(graph, context);
        Volatile.Write(ref done, true);
        sampler.Join();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var peakGrowth = Math.Max(Math.Max(peak, GC.GetTotalMemory(false)) - baseline, 0);
        return new Scaling(times.Order().ElementAt(1), allocated / 1e6, peakGrowth / 1e6);
    }
}

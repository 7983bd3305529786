using System.Diagnostics.Metrics;

namespace Nixery.Tests.Support;

/// <summary>Sums one counter of the given meters only, so tests running alongside do not interfere.</summary>
public sealed class MeasurementCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public MeasurementCounter(IReadOnlyList<Meter> meters, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument && meters.Contains(published.Meter)) listener.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}

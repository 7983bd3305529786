using System.Buffers;

namespace Nixery.Packing;

/// <summary>
/// The pooled buffers one compressed stream holds, counted, so that its memory bound is a
/// fact that can be checked rather than a hope.
/// </summary>
internal sealed class ChunkPool
{
    private long _held;
    private long _peak;

    /// <summary>Bytes in buffers rented and not yet returned.</summary>
    public long HeldBytes => Interlocked.Read(ref _held);

    /// <summary>The most bytes held at any one time.</summary>
    public long PeakHeldBytes => Interlocked.Read(ref _peak);

    public byte[] Rent(int minimumLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(minimumLength);
        var held = Interlocked.Add(ref _held, buffer.Length);
        var peak = Interlocked.Read(ref _peak);
        while (held > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, held, peak);
            if (seen == peak) break;
            peak = seen;
        }
        return buffer;
    }

    public void Return(byte[] buffer)
    {
        Interlocked.Add(ref _held, -buffer.Length);
        ArrayPool<byte>.Shared.Return(buffer);
    }
}

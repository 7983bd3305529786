using System.IO.Compression;

namespace Nixery.Packing;

/// <summary>
/// One chunk of input and, once a worker has compressed it, the complete gzip member
/// (header, deflate data, CRC-32 and length) that represents it. RFC 1952 §2.2: a gzip
/// file is a series of members, and every decompressor tested (gzip, pigz, Go, Python,
/// containerd, umoci, podman; see ClientPullTests) reads them all as one stream.
/// </summary>
internal sealed class GzipMember
{
    private const int SegmentSize = LayerFormat.ChunkSize / 4;

    /// <summary>
    /// The member for no input at all. GZipStream writes nothing when nothing was written to
    /// it, but an empty layer still needs a valid gzip file: header (mtime 0, OS Unix, as
    /// GZipStream writes it), an empty final stored block, CRC-32 0 and length 0.
    /// </summary>
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    private readonly ChunkPool _pool;
    private readonly int _length;
    private byte[]? _input;
    private readonly List<byte[]> _segments = [];
    private int _lastSegmentLength;
    private readonly TaskCompletionSource _compressed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="input">A buffer rented from <paramref name="pool"/>; the member returns it once compressed. Null for no input.</param>
    public GzipMember(byte[]? input, int length, ChunkPool pool)
    {
        _input = input;
        _length = length;
        _pool = pool;
    }

    /// <summary>Completes when the member is compressed, faults if compressing failed.</summary>
    public Task Compressed => _compressed.Task;

    /// <summary>Runs on a worker. Never throws: failure is delivered through <see cref="Compressed"/>.</summary>
    public void Compress(int level)
    {
        try
        {
            var output = new SegmentStream(this);
            if (_length == 0)
            {
                output.Write(EmptyMember);
            }
            else
            {
                using var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
                gzip.Write(_input.AsSpan(0, _length));
            }
            ReturnInput();
            _compressed.SetResult();
        }
        catch (Exception e)
        {
            ReturnInput();
            _compressed.SetException(e);
        }
    }

    /// <summary>Runs on a worker when the stream was abandoned: the chunk is dropped uncompressed.</summary>
    public void Skip()
    {
        ReturnInput();
        _compressed.SetCanceled();
    }

    public async ValueTask WriteToAsync(Stream destination, bool sync, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            var length = i == _segments.Count - 1 ? _lastSegmentLength : SegmentSize;
            if (sync) destination.Write(_segments[i], 0, length);
            else await destination.WriteAsync(_segments[i].AsMemory(0, length), cancellationToken);
        }
    }

    /// <summary>Returns the compressed bytes' buffers; call only once <see cref="Compressed"/> has completed.</summary>
    public void Release()
    {
        foreach (var segment in _segments) _pool.Return(segment);
        _segments.Clear();
    }

    private void ReturnInput()
    {
        if (_input is null) return;
        _pool.Return(_input);
        _input = null;
    }

    /// <summary>
    /// Collects the member in pooled segments: its size is not known in advance (and may
    /// exceed the chunk for incompressible data), and a growing array would copy and
    /// allocate on the large object heap.
    /// </summary>
    private sealed class SegmentStream(GzipMember member) : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (member._segments.Count == 0 || member._lastSegmentLength == SegmentSize)
                {
                    member._segments.Add(member._pool.Rent(SegmentSize));
                    member._lastSegmentLength = 0;
                }
                var count = Math.Min(buffer.Length, SegmentSize - member._lastSegmentLength);
                buffer[..count].CopyTo(member._segments[^1].AsSpan(member._lastSegmentLength));
                member._lastSegmentLength += count;
                buffer = buffer[count..];
            }
        }
    }
}

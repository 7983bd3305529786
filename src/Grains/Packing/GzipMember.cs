namespace Nixery.Packing;

/// <summary>
/// One chunk of input and, once a worker has compressed it, the complete gzip member
/// (header, deflate data, CRC-32 and length) that represents it. RFC 1952 §2.2: a gzip
/// file is a series of members, and every decompressor tested (gzip, pigz, Go, Python,
/// containerd, umoci, podman; see ClientPullTests) reads them all as one stream.
/// </summary>
internal sealed class GzipMember
{
    private readonly ChunkPool _pool;
    private readonly int _length;
    private byte[]? _input;
    private byte[]? _output;
    private int _outputLength;
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
    public void Compress(GzipCompressor compressor)
    {
        try
        {
            var input = _input.AsSpan(0, _length);
            // A chunk's own size holds its member unless the chunk does not compress (already
            // compressed files); then the member is compressed again into a buffer that
            // certainly holds it. Renting the bound every time would hold twice the memory.
            _output = _pool.Rent(Math.Max(_length, 64));
            _outputLength = compressor.Compress(input, _output);
            if (_outputLength == 0)
            {
                _pool.Return(_output);
                _output = _pool.Rent(compressor.Bound(_length));
                _outputLength = compressor.Compress(input, _output);
                if (_outputLength == 0) throw new InvalidOperationException("libdeflate did not fit a gzip member into its own bound");
            }
            ReturnInput();
            _compressed.SetResult();
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>Runs on a worker that cannot compress at all (no compressor); never throws.</summary>
    public void Fail(Exception e)
    {
        ReturnInput();
        _compressed.TrySetException(e);
    }

    /// <summary>Runs on a worker when the stream was abandoned: the chunk is dropped uncompressed.</summary>
    public void Skip()
    {
        ReturnInput();
        _compressed.SetCanceled();
    }

    public ValueTask WriteToAsync(Stream destination, bool sync, CancellationToken cancellationToken)
    {
        if (!sync) return destination.WriteAsync(_output.AsMemory(0, _outputLength), cancellationToken);
        destination.Write(_output!, 0, _outputLength);
        return ValueTask.CompletedTask;
    }

    /// <summary>Returns the compressed bytes' buffer; call only once <see cref="Compressed"/> has completed.</summary>
    public void Release()
    {
        if (_output is null) return;
        _pool.Return(_output);
        _output = null;
    }

    private void ReturnInput()
    {
        if (_input is null) return;
        _pool.Return(_input);
        _input = null;
    }
}

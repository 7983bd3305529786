using System.Collections.Concurrent;

namespace Nixery.Packing;

/// <summary>
/// A write-only stream that gzips what is written to it on several cores. The input is cut
/// into <see cref="LayerFormat.ChunkSize"/> chunks; each becomes an independent, complete gzip
/// member at <see cref="LayerFormat.GzipLevel"/>, and members reach the inner stream in input
/// order. The output is therefore the same whatever the number of workers, and is an ordinary
/// multi-member gzip file.
/// </summary>
/// <remarks>
/// At most twice as many chunks as workers are in flight (compressing or waiting to be written),
/// plus the one being filled, so memory is bounded however large the input: when the bound is
/// reached, a write waits for the oldest member and writes it out. A failure of a worker or of
/// the inner stream is thrown to the writer, by the write that meets it or by
/// <see cref="CompleteAsync"/>, and the stream accepts nothing afterwards.
///
/// Chunk boundaries are part of the format, so <see cref="Flush"/> does not end a member:
/// it only writes out the members already compressed. The last, partial chunk is compressed by
/// <see cref="CompleteAsync"/>, or by disposing, as GZipStream does. Like any stream, one
/// writer at a time.
/// </remarks>
public sealed class ParallelGzipStream : WriteOnlyStream
{
    private enum State { Open, Completed, Failed, Abandoned, Disposed }

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly int _workerCount;
    private readonly int _maxInFlight;
    private readonly int _level;
    private readonly ChunkPool _pool = new();
    private readonly Queue<GzipMember> _inFlight = new();
    private readonly BlockingCollection<GzipMember> _work = new();
    private int _workersStarted;
    private volatile bool _abandoned;
    private byte[]? _chunk;
    private int _chunkLength;
    private bool _anyMember;
    private State _state;
    private int _peakInFlight;

    /// <param name="workers">Threads compressing at once; defaults to the number of processors.</param>
    /// <param name="leaveOpen">Whether disposing this stream leaves <paramref name="inner"/> open.</param>
    public ParallelGzipStream(Stream inner, int? workers = null, bool leaveOpen = false)
        : this(inner, workers, leaveOpen, LayerFormat.GzipLevel)
    {
    }

    /// <param name="level">Only tests choose the level: an invalid one is how a worker failure is provoked.</param>
    internal ParallelGzipStream(Stream inner, int? workers, bool leaveOpen, int level)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanWrite) throw new ArgumentException("the inner stream must be writable", nameof(inner));
        var count = workers ?? Environment.ProcessorCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1, nameof(workers));
        _inner = inner;
        _leaveOpen = leaveOpen;
        _workerCount = count;
        _maxInFlight = 2 * count;
        _level = level;
    }

    /// <summary>The most pooled bytes (chunks and compressed members) held at once.</summary>
    internal long PeakBufferedBytes => _pool.PeakHeldBytes;

    /// <summary>Pooled bytes held now; 0 once the stream is complete or disposed.</summary>
    internal long BufferedBytes => _pool.HeldBytes;

    /// <summary>The most members in flight at once, not counting the chunk being filled.</summary>
    internal int PeakMembersInFlight => _peakInFlight;

    internal int MaxMembersInFlight => _maxInFlight;

    public override bool CanWrite => _state == State.Open;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfNotOpen();
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[Fill(buffer)..];
                if (_chunkLength == LayerFormat.ChunkSize) Complete(SubmitChunkAsync(sync: true, default));
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfNotOpen();
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[Fill(buffer.Span)..];
                if (_chunkLength == LayerFormat.ChunkSize) await SubmitChunkAsync(sync: false, cancellationToken);
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>Writes out the members already compressed and flushes the inner stream; does not end a member.</summary>
    public override void Flush() => Complete(FlushCoreAsync(sync: true, default));

    public override Task FlushAsync(CancellationToken cancellationToken) => FlushCoreAsync(sync: false, cancellationToken).AsTask();

    /// <summary>
    /// Compresses the last chunk (an empty member if nothing was written at all), writes every
    /// member out and flushes the inner stream. The stream accepts no writes afterwards.
    /// </summary>
    public Task CompleteAsync(CancellationToken cancellationToken = default) =>
        CompleteCoreAsync(sync: false, cancellationToken).AsTask();

    /// <summary>
    /// Stops without writing anything more: chunks not yet written are dropped, so the inner
    /// stream holds an incomplete gzip file. For a writer that has failed upstream, where
    /// completing would only spend time producing a plausible-looking truncated blob.
    /// </summary>
    public void Abandon()
    {
        if (_state is State.Open or State.Failed) _state = State.Abandoned;
        _abandoned = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing || _state == State.Disposed) return;
        try
        {
            if (_state == State.Open) Complete(CompleteCoreAsync(sync: true, default));
        }
        finally
        {
            Complete(ReleaseAsync(sync: true));
            if (!_leaveOpen) _inner.Dispose();
            base.Dispose(disposing);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_state == State.Disposed) return;
        try
        {
            if (_state == State.Open) await CompleteCoreAsync(sync: false, default);
        }
        finally
        {
            await ReleaseAsync(sync: false);
            if (!_leaveOpen) await _inner.DisposeAsync();
            GC.SuppressFinalize(this);
        }
    }

    private int Fill(ReadOnlySpan<byte> buffer)
    {
        _chunk ??= _pool.Rent(LayerFormat.ChunkSize);
        var count = Math.Min(buffer.Length, LayerFormat.ChunkSize - _chunkLength);
        buffer[..count].CopyTo(_chunk.AsSpan(_chunkLength));
        _chunkLength += count;
        return count;
    }

    private async ValueTask SubmitChunkAsync(bool sync, CancellationToken cancellationToken)
    {
        while (_inFlight.Count >= _maxInFlight) await WriteOldestAsync(sync, cancellationToken);

        var member = new GzipMember(_chunk, _chunkLength, _pool);
        _chunk = null;
        _chunkLength = 0;
        _anyMember = true;
        // Queued for a worker before it is tracked: a tracked member must always complete,
        // since releasing the stream waits for it.
        _work.Add(member);
        _inFlight.Enqueue(member);
        _peakInFlight = Math.Max(_peakInFlight, _inFlight.Count);
        if (_workersStarted < _workerCount && _workersStarted < _inFlight.Count) StartWorker();

        // Members that are already done go out now, so they do not hold memory until the next wait.
        await WriteFinishedAsync(sync, cancellationToken);
    }

    private async ValueTask WriteFinishedAsync(bool sync, CancellationToken cancellationToken)
    {
        while (_inFlight.TryPeek(out var oldest) && oldest.Compressed.IsCompleted)
            await WriteOldestAsync(sync, cancellationToken);
    }

    private async ValueTask WriteOldestAsync(bool sync, CancellationToken cancellationToken)
    {
        var member = _inFlight.Peek();
        // A synchronous Write has to block here; that is what it means to be synchronous.
        if (sync) member.Compressed.GetAwaiter().GetResult();
        else await member.Compressed.WaitAsync(cancellationToken);
        await member.WriteToAsync(_inner, sync, cancellationToken);
        _inFlight.Dequeue();
        member.Release();
    }

    private async ValueTask FlushCoreAsync(bool sync, CancellationToken cancellationToken)
    {
        ThrowIfNotOpen();
        try
        {
            await WriteFinishedAsync(sync, cancellationToken);
            if (sync) _inner.Flush();
            else await _inner.FlushAsync(cancellationToken);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    private async ValueTask CompleteCoreAsync(bool sync, CancellationToken cancellationToken)
    {
        if (_state == State.Completed) return;
        ThrowIfNotOpen();
        try
        {
            if (_chunkLength > 0 || !_anyMember) await SubmitChunkAsync(sync, cancellationToken);
            while (_inFlight.Count > 0) await WriteOldestAsync(sync, cancellationToken);
            if (sync) _inner.Flush();
            else await _inner.FlushAsync(cancellationToken);
            _state = State.Completed;
            _work.CompleteAdding();
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>
    /// Stops the workers and returns every buffer. Members still being compressed are waited
    /// for (a worker skips the rest once abandoned), because their buffers are in use.
    /// </summary>
    private async ValueTask ReleaseAsync(bool sync)
    {
        _abandoned = true;
        if (!_work.IsAddingCompleted) _work.CompleteAdding();
        while (_inFlight.TryDequeue(out var member))
        {
            var done = member.Compressed;
            if (sync) ((IAsyncResult)done).AsyncWaitHandle.WaitOne();
            else await done.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            member.Release();
        }
        if (_chunk is not null)
        {
            _pool.Return(_chunk);
            _chunk = null;
        }
        _state = State.Disposed;
    }

    private void StartWorker()
    {
        _workersStarted++;
        // Dedicated threads: compressing a chunk is ~30 ms of CPU, which would otherwise sit
        // on thread-pool threads that grains and request handling need.
        new Thread(Work) { IsBackground = true, Name = $"gzip worker {_workersStarted}" }.Start();
    }

    private void Work()
    {
        GzipCompressor? compressor = null;
        Exception? unavailable = null;
        try
        {
            compressor = new GzipCompressor(_level);
        }
        catch (Exception e)
        {
            // Every member this worker takes fails with the reason, so the writer hears of it.
            unavailable = e;
        }
        using (compressor)
        {
            foreach (var member in _work.GetConsumingEnumerable())
            {
                if (_abandoned) member.Skip();
                else if (compressor is null) member.Fail(unavailable!);
                else member.Compress(compressor);
            }
        }
    }

    private void ThrowIfNotOpen()
    {
        switch (_state)
        {
            case State.Open: return;
            case State.Failed: throw new InvalidOperationException("the gzip stream failed earlier and cannot be written to");
            case State.Completed: throw new InvalidOperationException("the gzip stream is complete");
            case State.Abandoned: throw new InvalidOperationException("the gzip stream was abandoned");
            default: throw new ObjectDisposedException(nameof(ParallelGzipStream));
        }
    }

    /// <summary>Observes a ValueTask that ran with <c>sync: true</c>, and so has already completed.</summary>
    private static void Complete(ValueTask task) => task.GetAwaiter().GetResult();
}

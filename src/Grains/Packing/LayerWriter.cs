namespace Nixery.Packing;

/// <summary>
/// Packs entries into a layer blob in one pass over the bytes: tar → SHA-256 of the tar
/// (diff_id) → parallel gzip → SHA-256 and length of the compressed bytes → destination.
/// Memory stays bounded by the compressor's chunks in flight, whatever the layer's size.
/// </summary>
public sealed class LayerWriter
{
    private readonly int? _workers;

    /// <param name="workers">Compression threads per layer; defaults to the number of processors.</param>
    public LayerWriter(int? workers = null)
    {
        if (workers is < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one worker is needed");
        _workers = workers;
    }

    /// <summary>
    /// Writes the layer to <paramref name="destination"/>, which is flushed and left open. If
    /// this throws, what was written to the destination is incomplete and must be discarded.
    /// </summary>
    public async Task<LayerDescriptor> WriteAsync(IEnumerable<TarEntry> entries, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(destination);

        using var blob = new HashingStream(destination);
        var gzip = new ParallelGzipStream(blob, _workers, leaveOpen: true);
        try
        {
            using var tar = new HashingStream(gzip);
            var writer = new DeterministicTarWriter(tar);
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await writer.WriteEntryAsync(entry, cancellationToken);
            }
            await writer.CompleteAsync(cancellationToken);
            await gzip.CompleteAsync(cancellationToken);
            return new LayerDescriptor(blob.Digest(), tar.Digest(), blob.BytesWritten);
        }
        catch
        {
            gzip.Abandon();
            throw;
        }
        finally
        {
            await gzip.DisposeAsync();
        }
    }
}

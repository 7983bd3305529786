using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Nixery.Packing;

/// <summary>
/// Compresses a whole buffer into one complete gzip member (RFC 1952: header, deflate data,
/// CRC-32, length) with libdeflate, the system's <c>libdeflate.so.0</c>. One instance per
/// thread: a libdeflate compressor is not safe to share.
/// </summary>
/// <remarks>
/// libdeflate rather than the zlib-ng inside .NET: it compresses a buffer it sees whole,
/// which is exactly what an independent member is, and on this corpus it spends about a
/// third less CPU than zlib-ng for a smaller output (see <see cref="LayerFormat"/>). Its
/// output is a function of the input, the level and the library's version alone; the size
/// of the output buffer only decides whether it fits.
/// </remarks>
internal sealed class GzipCompressor : IDisposable
{
    private const string Library = "libdeflate.so.0";

    private readonly CompressorHandle _handle;

    /// <param name="level">libdeflate's level, 0 (stored) to 12.</param>
    public GzipCompressor(int level)
    {
        CompressorHandle handle;
        try
        {
            handle = libdeflate_alloc_compressor(level);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                $"{Library} was not found: layers are compressed with libdeflate (Debian package libdeflate0; scripts/setup and deploy/Dockerfile install it)", e);
        }
        if (handle.IsInvalid)
        {
            handle.Dispose();
            // libdeflate returns no compressor for a level it does not have (and when out of memory).
            throw new ArgumentOutOfRangeException(nameof(level), level, "libdeflate has levels 0 to 12");
        }
        _handle = handle;
    }

    /// <summary>The most bytes a member of <paramref name="length"/> input bytes can take.</summary>
    public int Bound(int length) => checked((int)libdeflate_gzip_compress_bound(_handle, (nuint)length));

    /// <summary>
    /// Writes the member for <paramref name="input"/> to <paramref name="output"/> and returns
    /// its length, or 0 when it does not fit (then nothing useful was written).
    /// </summary>
    public int Compress(ReadOnlySpan<byte> input, Span<byte> output) =>
        (int)libdeflate_gzip_compress(_handle,
            ref MemoryMarshal.GetReference(input), (nuint)input.Length,
            ref MemoryMarshal.GetReference(output), (nuint)output.Length);

    public void Dispose() => _handle.Dispose();

    [DllImport(Library)]
    private static extern CompressorHandle libdeflate_alloc_compressor(int compression_level);

    [DllImport(Library)]
    private static extern nuint libdeflate_gzip_compress(CompressorHandle compressor, ref byte input, nuint in_nbytes, ref byte output, nuint out_nbytes_avail);

    [DllImport(Library)]
    private static extern nuint libdeflate_gzip_compress_bound(CompressorHandle compressor, nuint in_nbytes);

    [DllImport(Library)]
    private static extern void libdeflate_free_compressor(IntPtr compressor);

    private sealed class CompressorHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
    {
        protected override bool ReleaseHandle()
        {
            libdeflate_free_compressor(handle);
            return true;
        }
    }
}

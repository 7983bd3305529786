using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Nixery.Packing;
using Xunit.Abstractions;

namespace Nixery.Tests.Packing;

[SupportedOSPlatform("linux")]
[Trait("Category", "Unit")]
public class ParallelGzipStreamTests(ITestOutputHelper log)
{
    private const int Chunk = LayerFormat.ChunkSize;

    /// <summary>Text-like bytes: compressible, but not trivially.</summary>
    private static byte[] Input(int length, int seed = 1)
    {
        var random = new Random(seed);
        const string alphabet = "abcdefghij klmnopqrstuvwxyz\n0123456789";
        var bytes = new byte[length];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)alphabet[random.Next(alphabet.Length)];
        return bytes;
    }

    private static async Task<byte[]> CompressAsync(byte[] input, int workers, int writeSize = 100_000)
    {
        using var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, workers, leaveOpen: true))
        {
            for (var offset = 0; offset < input.Length; offset += writeSize)
                await gzip.WriteAsync(input.AsMemory(offset, Math.Min(writeSize, input.Length - offset)));
            await gzip.CompleteAsync();
        }
        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public async Task The_output_is_the_same_with_one_two_or_four_workers()
    {
        var input = Input(3 * Chunk + 12345);

        var one = await CompressAsync(input, workers: 1);

        Assert.Equal(one, await CompressAsync(input, workers: 2));
        Assert.Equal(one, await CompressAsync(input, workers: 4));
    }

    /// <summary>Members read by zlib outside .NET, against the input's chunks; the level is pinned by the known-answer tests.</summary>
    [Fact]
    public async Task Each_chunk_becomes_one_complete_gzip_member_in_input_order()
    {
        var input = Input(2 * Chunk + 1000);

        var members = await Tool.GzipMembersAsync(await CompressAsync(input, workers: 2));

        Assert.Equal(input.Chunk(Chunk).Select(c => ((long)c.Length, Convert.ToHexStringLower(SHA256.HashData(c)))), members);
    }

    [Fact]
    public async Task A_chunk_that_does_not_compress_still_becomes_one_valid_member()
    {
        // Random bytes: the member is larger than the chunk, so it needs more than the chunk's room.
        var input = new byte[Chunk + 10];
        new Random(5).NextBytes(input);

        var compressed = await CompressAsync(input, workers: 2);

        Assert.True(compressed.Length > input.Length);
        Assert.Equal(input, Gunzip(compressed));
        Assert.Equal(input, await Tool.RunAsync("gzip", ["-dc"], compressed));
    }

    [Fact]
    public async Task GZipStream_gzip_and_pigz_all_decompress_every_member()
    {
        var input = Input(2 * Chunk + 77);
        var compressed = await CompressAsync(input, workers: 2);

        Assert.Equal(input, Gunzip(compressed));
        Assert.Equal(input, await Tool.RunAsync("gzip", ["-dc"], compressed));
        Assert.Equal(input, await Tool.RunAsync("pigz", ["-dc"], compressed));
    }

    [Fact]
    public async Task No_input_still_gives_a_valid_gzip_file()
    {
        var compressed = await CompressAsync([], workers: 2);

        Assert.NotEmpty(compressed);
        Assert.Empty(Gunzip(compressed));
        Assert.Empty(await Tool.RunAsync("gzip", ["-dc"], compressed));
        Assert.Empty(await Tool.RunAsync("pigz", ["-dc"], compressed));
    }

    [Fact]
    public async Task Synchronous_writes_give_the_same_bytes_as_asynchronous_ones()
    {
        var input = Input(Chunk + 5000);
        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, workers: 2, leaveOpen: true))
        {
            foreach (var piece in input.Chunk(70_001)) gzip.Write(piece);
        }

        Assert.Equal(await CompressAsync(input, workers: 2), output.ToArray());
    }

    [Fact]
    public async Task Flushing_does_not_end_a_member()
    {
        var input = Input(Chunk + 5000);
        using var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, workers: 2, leaveOpen: true))
        {
            await gzip.WriteAsync(input.AsMemory(0, 1000));
            await gzip.FlushAsync();
            await gzip.WriteAsync(input.AsMemory(1000));
            await gzip.FlushAsync();
        }

        Assert.Equal(await CompressAsync(input, workers: 2), output.ToArray());
    }

    [Fact]
    public async Task Disposing_without_completing_writes_the_last_member_as_GZipStream_does()
    {
        var input = Input(1000);
        using var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, workers: 1, leaveOpen: true))
            await gzip.WriteAsync(input);

        Assert.Equal(input, Gunzip(output.ToArray()));
    }

    [Fact]
    public async Task Abandoning_writes_nothing_more_and_returns_every_buffer()
    {
        var input = Input(2 * Chunk + 1000);
        using var output = new MemoryStream();
        var gzip = new ParallelGzipStream(output, workers: 2, leaveOpen: true);
        await gzip.WriteAsync(input);

        gzip.Abandon();
        await gzip.DisposeAsync();

        Assert.True(output.Length < (await CompressAsync(input, workers: 2)).Length);
        Assert.Equal(0, gzip.BufferedBytes);
        await Assert.ThrowsAnyAsync<Exception>(() => gzip.WriteAsync(input).AsTask());
    }

    [Fact]
    public async Task A_failure_of_the_inner_stream_is_thrown_to_the_writer_and_ends_the_stream()
    {
        var gzip = new ParallelGzipStream(new FailingStream(), workers: 2);

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await gzip.WriteAsync(Input(3 * Chunk));
            await gzip.CompleteAsync();
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => gzip.WriteAsync(new byte[1]).AsTask());
        await gzip.DisposeAsync();
        Assert.Equal(0, gzip.BufferedBytes);
    }

    [Fact]
    public async Task A_failure_while_compressing_is_thrown_to_the_writer()
    {
        // libdeflate has no level 42: each worker fails on its first chunk.
        var gzip = new ParallelGzipStream(Stream.Null, workers: 2, leaveOpen: false, level: 42);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await gzip.WriteAsync(Input(Chunk + 1));
            await gzip.CompleteAsync();
        });
        await gzip.DisposeAsync();
        Assert.Equal(0, gzip.BufferedBytes);
    }

    [Fact]
    public async Task Memory_stays_bounded_by_the_chunks_in_flight_however_long_the_input()
    {
        const int workers = 2;
        // Highly repetitive, so that 256 MiB compress quickly: only the bookkeeping is under test.
        var piece = Enumerable.Repeat(Input(4096), 256).SelectMany(b => b).ToArray();
        var gzip = new ParallelGzipStream(Stream.Null, workers);

        for (var i = 0; i < 256; i++) await gzip.WriteAsync(piece); // 256 MiB
        await gzip.CompleteAsync();

        // In flight: at most 2 per worker, each holding a chunk, its compressed member, or both
        // (a member is kept in a buffer of the chunk's size, or of twice that when the chunk
        // does not compress); plus the chunk being filled.
        Assert.Equal(2 * workers, gzip.MaxMembersInFlight);
        Assert.InRange(gzip.PeakMembersInFlight, 1, gzip.MaxMembersInFlight);
        var bound = (gzip.MaxMembersInFlight + 1) * (long)Chunk + gzip.MaxMembersInFlight * 2L * Chunk;
        Assert.InRange(gzip.PeakBufferedBytes, Chunk, bound);
        Assert.True(bound < (256L << 20) / 4, "the bound is a small fraction of the input");
        Assert.Equal(0, gzip.BufferedBytes);
        await gzip.DisposeAsync();
        log.WriteLine($"peak: {gzip.PeakMembersInFlight} members in flight, {gzip.PeakBufferedBytes >> 20} MiB buffered; bound {bound >> 20} MiB");
    }

    private sealed class FailingStream : WriteOnlyStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");
    }
}

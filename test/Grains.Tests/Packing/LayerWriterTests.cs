using System.IO.Compression;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Nixery.Packing;

namespace Nixery.Tests.Packing;

[SupportedOSPlatform("linux")]
[Trait("Category", "Unit")]
public sealed class LayerWriterTests : IDisposable
{
    private readonly TempTree _tree = new();

    public LayerWriterTests()
    {
        var random = new Random(7);
        var large = new byte[9 << 20]; // over two chunks of tar
        for (var i = 0; i < large.Length; i++) large[i] = (byte)"abcdefgh ijklmnop\n"[random.Next(18)];
        _tree.AddFile("nix/store/aaaa-tool/bin/tool", large, "555");
        _tree.AddSymlink("nix/store/aaaa-tool/bin/alias", "tool");
        _tree.AddFile("nix/store/aaaa-tool/share/doc/README", "read me\n", "444");
        _tree.AddDirectory("nix/store/aaaa-tool/share/empty", "555");
        _tree.AddFile("nix/store/bbbb-data.json", "{}\n", "444");
    }

    public void Dispose() => _tree.Dispose();

    private IEnumerable<TarEntry> Entries() =>
        StorePathEntries.Of([_tree.PathOf("nix/store/aaaa-tool"), _tree.PathOf("nix/store/bbbb-data.json")]);

    private async Task<(LayerDescriptor Layer, byte[] Blob)> PackAsync(int? workers = null)
    {
        using var blob = new MemoryStream();
        var layer = await new LayerWriter(workers).WriteAsync(Entries(), blob);
        return (layer, blob.ToArray());
    }

    private static Digest Sha256(byte[] bytes) => Digest.FromHash(SHA256.HashData(bytes));

    [Fact]
    public async Task The_diff_id_is_the_sha256_of_the_blob_decompressed_by_GZipStream_gzip_and_pigz()
    {
        var (layer, blob) = await PackAsync();

        using var gunzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        using var tar = new MemoryStream();
        await gunzip.CopyToAsync(tar);

        Assert.Equal(layer.DiffId, Sha256(tar.ToArray()));
        Assert.Equal(layer.DiffId, Sha256(await Tool.RunAsync("gzip", ["-dc"], blob)));
        Assert.Equal(layer.DiffId, Sha256(await Tool.RunAsync("pigz", ["-dc"], blob)));
    }

    [Fact]
    public async Task The_digest_and_size_describe_the_bytes_written()
    {
        var (layer, blob) = await PackAsync();

        Assert.Equal(Sha256(blob), layer.Digest);
        Assert.Equal(blob.Length, layer.Size);
    }

    [Fact]
    public async Task The_same_tree_packs_to_the_same_bytes_every_time_with_one_two_or_four_workers()
    {
        var (first, bytes) = await PackAsync();

        foreach (var workers in new[] { 1, 2, 4 })
        {
            var (again, againBytes) = await PackAsync(workers);
            Assert.Equal(first, again);
            Assert.Equal(bytes, againBytes);
        }
    }

    [Fact]
    public async Task The_blob_is_one_gzip_member_per_4_MiB_of_tar()
    {
        var (_, blob) = await PackAsync();

        using var tar = new MemoryStream();
        await DeterministicTarWriter.WriteAsync(Entries(), tar);
        var chunks = tar.ToArray().Chunk(4 * 1024 * 1024).ToList();

        var members = await Tool.GzipMembersAsync(blob);

        Assert.Equal(3, chunks.Count);
        Assert.Equal(chunks.Select(c => ((long)c.Length, Convert.ToHexStringLower(SHA256.HashData(c)))), members);
    }

    [Fact]
    public async Task GNU_tar_extracts_the_layer_back_into_the_store_tree()
    {
        var (_, blob) = await PackAsync();
        var layer = _tree.AddFile("out/layer.tar.gz", blob);
        var target = _tree.AddDirectory("out/root");

        await Tool.RunAsync("tar", ["-xzpf", layer, "-C", target]);

        var extracted = Path.Join(target, _tree.PathOf("nix/store/aaaa-tool"));
        Assert.Equal(await File.ReadAllBytesAsync(_tree.PathOf("nix/store/aaaa-tool/bin/tool")), await File.ReadAllBytesAsync(Path.Join(extracted, "bin/tool")));
        Assert.Equal("tool", new FileInfo(Path.Join(extracted, "bin/alias")).LinkTarget);
        Assert.True(Directory.Exists(Path.Join(extracted, "share/empty")));
        Assert.Equal("{}\n", await File.ReadAllTextAsync(Path.Join(target, _tree.PathOf("nix/store/bbbb-data.json"))));
    }

    [Fact]
    public async Task A_file_that_changes_size_fails_the_layer()
    {
        var entries = Entries().ToList(); // sizes are taken now
        await File.AppendAllTextAsync(_tree.PathOf("nix/store/aaaa-tool/share/doc/README"), "and more\n");

        var error = await Assert.ThrowsAsync<IOException>(() => new LayerWriter().WriteAsync(entries, Stream.Null));
        Assert.Contains("README", error.Message);
    }

    [Fact]
    public async Task Cancelling_stops_packing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new LayerWriter().WriteAsync(Entries(), Stream.Null, cancelled.Token));
    }
}

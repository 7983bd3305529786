using System.Text;
using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Tests.Storage;

[Trait("Category", "Unit")]

public class FileSystemBlobStoreTests
{
    private static Func<Stream, CancellationToken, Task> Bytes(byte[] content) => (s, t) => s.WriteAsync(content, t).AsTask();

    [Fact]
    public async Task A_blob_is_stored_under_the_digest_of_its_bytes()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var content = Encoding.UTF8.GetBytes("hello world");
        var stored = await store.PutAsync(Bytes(content), null, CancellationToken.None);
        Assert.Equal(Digest.Sha256(content), stored.Digest);
        Assert.Equal(content.Length, await store.SizeAsync(stored.Digest, CancellationToken.None));
        Assert.Equal(content, await store.ReadAsync(stored.Digest, 1024, CancellationToken.None));
        var location = Assert.IsType<BlobLocation.LocalFile>(await store.LocateAsync(stored.Digest, CancellationToken.None));
        Assert.Equal(content, await File.ReadAllBytesAsync(location.Path));
    }

    [Fact]
    public async Task A_blob_whose_bytes_do_not_match_the_expected_digest_is_not_published()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var expected = Digest.Sha256("other"u8);
        await Assert.ThrowsAsync<BlobDigestMismatchException>(() => store.PutAsync(Bytes("hello"u8.ToArray()), expected, CancellationToken.None));
        Assert.Null(await store.SizeAsync(Digest.Sha256("hello"u8), CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(root.Combine("staging")));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_nothing_visible()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(async (stream, token) =>
        {
            await stream.WriteAsync(new byte[100_000], token);
            throw new IOException("connection lost");
        }, null, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(root.Combine("blobs", "sha256")));
        Assert.Empty(Directory.EnumerateFiles(root.Combine("staging")));
    }

    [Fact]
    public async Task Missing_blobs_are_null_not_errors()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var digest = Digest.Sha256("absent"u8);
        Assert.Null(await store.SizeAsync(digest, CancellationToken.None));
        Assert.Null(await store.LocateAsync(digest, CancellationToken.None));
        Assert.Null(await store.ReadAsync(digest, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Documents_are_versioned_by_etag()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var etag = await store.WriteDocumentAsync("grains/x/state", [1, 2, 3], null, CancellationToken.None);
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.WriteDocumentAsync("grains/x/state", [4], null, CancellationToken.None));
        var second = await store.WriteDocumentAsync("grains/x/state", [4], etag, CancellationToken.None);
        var read = await store.ReadDocumentAsync("grains/x/state", CancellationToken.None);
        Assert.Equal([4], read!.Content);
        Assert.Equal(second, read.ETag);
        await Assert.ThrowsAsync<DocumentConflictException>(() => store.WriteDocumentAsync("grains/x/state", [5], etag, CancellationToken.None));
    }

    [Fact]
    public async Task Document_keys_cannot_escape_the_root()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Combine("store"));
        await store.WriteDocumentAsync("../../escape/..", [1], null, CancellationToken.None);
        Assert.False(File.Exists(root.Combine("escape")));
        Assert.Single(Directory.EnumerateFiles(root.Combine("store", "documents"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Stored_blobs_survive_a_new_store_instance()
    {
        using var root = new TemporaryDirectory();
        var stored = await new FileSystemBlobStore(root.Path).PutAsync(Bytes([9, 9]), null, CancellationToken.None);
        var again = new FileSystemBlobStore(root.Path);
        Assert.Equal(2, await again.SizeAsync(stored.Digest, CancellationToken.None));
        Assert.Contains(stored.Digest, await again.ListAsync(CancellationToken.None).ToListAsync());
    }
}

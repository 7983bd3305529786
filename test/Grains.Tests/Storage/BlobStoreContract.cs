using System.Net.Http.Headers;
using Nixery.Storage;

namespace Nixery.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> promises, run against each backend:
/// blobs appear under their digest only complete and verified, failed
/// uploads leave nothing behind, documents are versioned by ETag, and a
/// located blob reads back the same bytes whether it is a file, a proxied
/// stream or a redirect URL. Each test gets an empty store.
/// </summary>
public abstract class BlobStoreContract : IAsyncLifetime
{
    /// <summary>More than one part, block or chunk in every backend (8 MiB parts, 10 MiB GCS chunks).</summary>
    protected const int LargeBlob = 21 * 1024 * 1024 + 17;

    protected IBlobStore Store { get; private set; } = null!;

    protected static CancellationToken None => CancellationToken.None;

    /// <summary>An empty store of the backend, configured for the location kind under test.</summary>
    protected abstract Task<IBlobStore> CreateStoreAsync();

    /// <summary>What a located blob is in this configuration: a local file, a redirect or a proxy.</summary>
    protected abstract Type LocationKind { get; }

    /// <summary>Stored things that are neither published blobs nor documents (staging objects, uncommitted blocks).</summary>
    protected abstract Task<IReadOnlyList<string>> LeftoversAsync();

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_blob_is_published_under_the_digest_of_its_bytes()
    {
        var content = Content(1000, seed: 1);
        var stored = await Store.PutAsync(Writing(content), null, None);
        Assert.Equal(new BlobReference(Digest.Sha256(content), content.Length), stored);
        Assert.Equal(content.Length, await Store.SizeAsync(stored.Digest, None));
        Assert.Equal(content, await Store.ReadAsync(stored.Digest, 1 << 20, None));
    }

    [Fact]
    public async Task A_blob_of_several_parts_reads_back_exactly()
    {
        var content = Content(LargeBlob, seed: 2);
        var stored = await Store.PutAsync(WritingInPieces(content, 100_000), null, None);
        Assert.Equal(Digest.Sha256(content), stored.Digest);
        Assert.Equal(content.Length, await Store.SizeAsync(stored.Digest, None));
        Assert.Equal(content, await ReadLocatedAsync(stored.Digest, null));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task An_empty_blob_is_a_blob()
    {
        var stored = await Store.PutAsync(Writing([]), null, None);
        Assert.Equal(Digest.Sha256([]), stored.Digest);
        Assert.Equal(0, await Store.SizeAsync(stored.Digest, None));
        Assert.Equal(Array.Empty<byte>(), await Store.ReadAsync(stored.Digest, 10, None));
    }

    [Fact]
    public async Task A_blob_with_an_expected_digest_is_published_under_it()
    {
        var content = Content(5000, seed: 3);
        var stored = await Store.PutAsync(Writing(content), Digest.Sha256(content), None);
        Assert.Equal(Digest.Sha256(content), stored.Digest);
        Assert.Equal(content, await Store.ReadAsync(stored.Digest, 1 << 20, None));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_digest_mismatch_publishes_nothing()
    {
        var content = Content(3000, seed: 4);
        var expected = Digest.Sha256("something else"u8);
        await Assert.ThrowsAsync<BlobDigestMismatchException>(() => Store.PutAsync(Writing(content), expected, None));
        Assert.Null(await Store.SizeAsync(Digest.Sha256(content), None));
        Assert.Null(await Store.SizeAsync(expected, None));
        Assert.Empty(await Store.ListAsync(None).ToListAsync());
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_large_digest_mismatch_publishes_nothing()
    {
        var content = Content(LargeBlob, seed: 5);
        var expected = Digest.Sha256("something else"u8);
        await Assert.ThrowsAsync<BlobDigestMismatchException>(() => Store.PutAsync(WritingInPieces(content, 1 << 20), expected, None));
        Assert.Null(await Store.SizeAsync(expected, None));
        Assert.Empty(await Store.ListAsync(None).ToListAsync());
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_writer_that_fails_midway_leaves_nothing_visible()
    {
        var written = Content(10 * 1024 * 1024, seed: 6);
        var failure = await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(async (stream, token) =>
        {
            await stream.WriteAsync(written, token);
            throw new IOException("connection lost");
        }, null, None));
        Assert.Equal("connection lost", failure.Message);
        Assert.Null(await Store.SizeAsync(Digest.Sha256(written), None));
        Assert.Empty(await Store.ListAsync(None).ToListAsync());
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_writer_that_fails_midway_leaves_nothing_under_its_expected_digest()
    {
        var content = Content(10 * 1024 * 1024, seed: 7);
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(async (stream, token) =>
        {
            await stream.WriteAsync(content.AsMemory(0, content.Length / 2), token);
            throw new IOException("connection lost");
        }, Digest.Sha256(content), None));
        Assert.Null(await Store.SizeAsync(Digest.Sha256(content), None));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_visible()
    {
        using var cancel = new CancellationTokenSource();
        var content = Content(9 * 1024 * 1024, seed: 8);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(async (stream, token) =>
        {
            await stream.WriteAsync(content, token);
            await cancel.CancelAsync();
            token.ThrowIfCancellationRequested();
        }, null, cancel.Token));
        Assert.Null(await Store.SizeAsync(Digest.Sha256(content), None));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task Publishing_a_blob_again_keeps_it_readable()
    {
        var content = Content(4000, seed: 9);
        var first = await Store.PutAsync(Writing(content), null, None);
        var again = await Task.WhenAll(
            Store.PutAsync(Writing(content), null, None),
            Store.PutAsync(Writing(content), Digest.Sha256(content), None));
        Assert.All(again, blob => Assert.Equal(first, blob));
        Assert.Equal(content, await Store.ReadAsync(first.Digest, 1 << 20, None));
        Assert.Empty(await LeftoversAsync());
    }

    [Fact]
    public async Task Missing_blobs_are_null_not_errors()
    {
        var digest = Digest.Sha256("absent"u8);
        Assert.Null(await Store.SizeAsync(digest, None));
        Assert.Null(await Store.LocateAsync(digest, None));
        Assert.Null(await Store.ReadAsync(digest, 10, None));
    }

    [Fact]
    public async Task Reading_a_blob_larger_than_the_limit_gives_null()
    {
        var stored = await Store.PutAsync(Writing(Content(2000, seed: 10)), null, None);
        Assert.Null(await Store.ReadAsync(stored.Digest, 1999, None));
    }

    [Fact]
    public async Task A_deleted_blob_is_gone_and_deleting_it_again_is_harmless()
    {
        var stored = await Store.PutAsync(Writing(Content(100, seed: 11)), null, None);
        await Store.DeleteAsync(stored.Digest, None);
        Assert.Null(await Store.SizeAsync(stored.Digest, None));
        await Store.DeleteAsync(stored.Digest, None);
    }

    [Fact]
    public async Task Listing_names_every_published_blob_and_nothing_else()
    {
        var blobs = new List<Digest>();
        for (var i = 0; i < 3; i++) blobs.Add((await Store.PutAsync(Writing(Content(100 + i, seed: 20 + i)), null, None)).Digest);
        await Store.WriteDocumentAsync("grains/listed/not-a-blob", [1], null, None);
        Assert.Equal(blobs.Select(b => b.ToString()).Order(), (await Store.ListAsync(None).ToListAsync()).Select(b => b.ToString()).Order());
    }

    [Fact]
    public async Task A_located_blob_is_of_the_configured_kind_and_size()
    {
        var stored = await Store.PutAsync(Writing(Content(1234, seed: 12)), null, None);
        var location = await Store.LocateAsync(stored.Digest, None);
        Assert.IsType(LocationKind, location);
        Assert.Equal(1234, location!.Size);
    }

    [Fact]
    public async Task A_located_blob_reads_back_whole()
    {
        var content = Content(300_000, seed: 13);
        var stored = await Store.PutAsync(Writing(content), null, None);
        Assert.Equal(content, await ReadLocatedAsync(stored.Digest, null));
    }

    [Fact]
    public async Task A_located_blob_reads_back_by_range()
    {
        var content = Content(300_000, seed: 14);
        var stored = await Store.PutAsync(Writing(content), null, None);
        Assert.Equal(content[1000..2000], await ReadLocatedAsync(stored.Digest, (1000, 1000)));
        Assert.Equal(content[299_999..], await ReadLocatedAsync(stored.Digest, (299_999, 1)));
        Assert.Equal(content[250_000..], await ReadLocatedAsync(stored.Digest, (250_000, null)));
    }

    [Fact]
    public async Task Documents_round_trip_exactly()
    {
        var content = Enumerable.Range(0, 512).Select(i => (byte)i).ToArray();
        var etag = await Store.WriteDocumentAsync("grains/images/state", content, null, None);
        var read = await Store.ReadDocumentAsync("grains/images/state", None);
        Assert.Equal(content, read!.Content);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task Document_keys_may_hold_any_characters()
    {
        const string key = "grains/registry/image/image/shell/hello:latest@sha256 ä ../..";
        await Store.WriteDocumentAsync(key, [7], null, None);
        Assert.Equal([7], (await Store.ReadDocumentAsync(key, None))!.Content);
        Assert.Null(await Store.ReadDocumentAsync("grains/registry/image/image/shell/hello:latest", None));
    }

    [Fact]
    public async Task Listing_documents_names_every_key_under_a_folder_and_nothing_else()
    {
        await Store.WriteDocumentAsync("images/aaa", [1], null, None);
        await Store.WriteDocumentAsync("images/b c:d", [2], null, None);
        await Store.WriteDocumentAsync("images-not/x", [3], null, None);
        await Store.WriteDocumentAsync("grains/x/state", [4], null, None);
        Assert.Equal(["images/aaa", "images/b c:d"], (await Store.ListDocumentsAsync("images/", None).ToListAsync()).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ListDocumentsAsync("nothing/", None).ToListAsync());
    }

    [Fact]
    public async Task Missing_documents_are_null()
    {
        Assert.Null(await Store.ReadDocumentAsync("grains/nobody/state", None));
    }

    [Fact]
    public async Task Creating_a_document_that_exists_is_a_conflict()
    {
        await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Assert.ThrowsAsync<DocumentConflictException>(() => Store.WriteDocumentAsync("grains/x/state", [2], null, None));
        Assert.Equal([1], (await Store.ReadDocumentAsync("grains/x/state", None))!.Content);
    }

    [Fact]
    public async Task Writing_with_the_current_etag_replaces_the_document()
    {
        var first = await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        var second = await Store.WriteDocumentAsync("grains/x/state", [2, 2], first, None);
        Assert.NotEqual(first, second);
        var read = await Store.ReadDocumentAsync("grains/x/state", None);
        Assert.Equal([2, 2], read!.Content);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task Writing_with_a_stale_etag_is_a_conflict()
    {
        var first = await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Store.WriteDocumentAsync("grains/x/state", [2], first, None);
        await Assert.ThrowsAsync<DocumentConflictException>(() => Store.WriteDocumentAsync("grains/x/state", [3], first, None));
        Assert.Equal([2], (await Store.ReadDocumentAsync("grains/x/state", None))!.Content);
    }

    [Fact]
    public async Task Writing_with_an_etag_to_a_missing_document_is_a_conflict()
    {
        var etag = await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Store.DeleteDocumentAsync("grains/x/state", etag, None);
        await Assert.ThrowsAsync<DocumentConflictException>(() => Store.WriteDocumentAsync("grains/x/state", [2], etag, None));
    }

    [Fact]
    public async Task Deleting_with_a_stale_etag_is_a_conflict()
    {
        var first = await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Store.WriteDocumentAsync("grains/x/state", [2], first, None);
        await Assert.ThrowsAsync<DocumentConflictException>(() => Store.DeleteDocumentAsync("grains/x/state", first, None));
        Assert.NotNull(await Store.ReadDocumentAsync("grains/x/state", None));
    }

    [Fact]
    public async Task Deleting_with_the_current_etag_or_none_removes_the_document()
    {
        var etag = await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Store.DeleteDocumentAsync("grains/x/state", etag, None);
        Assert.Null(await Store.ReadDocumentAsync("grains/x/state", None));
        await Store.WriteDocumentAsync("grains/x/state", [1], null, None);
        await Store.DeleteDocumentAsync("grains/x/state", null, None);
        Assert.Null(await Store.ReadDocumentAsync("grains/x/state", None));
    }

    [Fact]
    public async Task Deleting_a_missing_document_is_harmless()
    {
        await Store.DeleteDocumentAsync("grains/nobody/state", null, None);
    }

    [Fact]
    public async Task A_collection_deletes_unreferenced_blobs_and_keeps_referenced_and_leased_ones()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var leases = new Nixery.Collection.BlobLeases(Store, clock);
        var sweeper = new Nixery.Collection.BlobSweeper(Store, leases);
        var referenced = (await Store.PutAsync(Writing(Content(100, seed: 31)), null, None)).Digest;
        var leased = (await Store.PutAsync(Writing(Content(100, seed: 32)), null, None)).Digest;
        var unreferenced = (await Store.PutAsync(Writing(Content(100, seed: 33)), null, None)).Digest;
        await using var lease = leases.Open(TimeSpan.FromHours(3));
        await lease.HoldAsync([leased], None);
        Task<IReadOnlySet<Digest>> Referenced(CancellationToken _) => Task.FromResult<IReadOnlySet<Digest>>(new HashSet<Digest> { referenced });

        var marking = await sweeper.SweepAsync(Referenced, clock.GetUtcNow(), TimeSpan.FromMinutes(60), dryRun: false, None);
        clock.Advance(TimeSpan.FromMinutes(61));
        var deleting = await sweeper.SweepAsync(Referenced, clock.GetUtcNow(), TimeSpan.FromMinutes(60), dryRun: false, None);

        Assert.Equal((2, 1, 0), (marking.Kept, marking.Marked, marking.Deleted));
        Assert.Equal((2, 0, 1), (deleting.Kept, deleting.Marked, deleting.Deleted));
        Assert.NotNull(await Store.SizeAsync(referenced, None));
        Assert.NotNull(await Store.SizeAsync(leased, None));
        Assert.Null(await Store.SizeAsync(unreferenced, None));
        Assert.Null(await Store.LocateAsync(unreferenced, None));
    }

    protected static byte[] Content(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }

    protected static Func<Stream, CancellationToken, Task> Writing(byte[] content) => (stream, token) => stream.WriteAsync(content, token).AsTask();

    protected static Func<Stream, CancellationToken, Task> WritingInPieces(byte[] content, int piece) => async (stream, token) =>
    {
        for (var offset = 0; offset < content.Length; offset += piece)
            await stream.WriteAsync(content.AsMemory(offset, Math.Min(piece, content.Length - offset)), token);
    };

    /// <summary>Reads a blob the way the frontend serves it: the file, the proxied stream, or the redirect URL.</summary>
    protected async Task<byte[]> ReadLocatedAsync(Digest digest, (long Start, long? Length)? range)
    {
        var location = await Store.LocateAsync(digest, None) ?? throw new InvalidOperationException($"{digest} is not stored");
        var (start, length) = range ?? (0, null);
        switch (location)
        {
            case BlobLocation.LocalFile file:
            {
                var all = await File.ReadAllBytesAsync(file.Path);
                return all[(int)start..(int)(length is { } l ? start + l : all.Length)];
            }
            case BlobLocation.Proxy proxy:
            {
                await using var stream = await proxy.Open(start, length, None);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                return copy.ToArray();
            }
            case BlobLocation.Redirect redirect:
            {
                using var http = new HttpClient();
                using var request = new HttpRequestMessage(HttpMethod.Get, redirect.Url);
                if (range is not null) request.Headers.Range = new RangeHeaderValue(start, length is { } l ? start + l - 1 : null);
                using var response = await http.SendAsync(request);
                Assert.True(response.IsSuccessStatusCode, $"GET {redirect.Url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return await response.Content.ReadAsByteArrayAsync();
            }
            default:
                throw new InvalidOperationException($"unknown location {location}");
        }
    }
}

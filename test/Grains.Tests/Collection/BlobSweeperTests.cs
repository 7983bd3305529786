using Nixery.Collection;
using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Tests.Collection;

[Trait("Category", "Unit")]

public class BlobSweeperTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<Digest> PutAsync(IBlobStore store, byte value) =>
        (await store.PutAsync((s, t) => s.WriteAsync(new[] { value, value }, t).AsTask(), null, CancellationToken.None)).Digest;

    [Fact]
    public async Task An_unreferenced_blob_is_marked_first_and_deleted_once_the_grace_period_has_passed()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store);
        var orphan = await PutAsync(store, 1);

        var first = await sweeper.SweepAsync(new HashSet<Digest>(), Start, TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (first.Marked, first.Deleted));
        var early = await sweeper.SweepAsync(new HashSet<Digest>(), Start.AddMinutes(59), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (early.Marked, early.Deleted));
        var late = await sweeper.SweepAsync(new HashSet<Digest>(), Start.AddHours(1), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((0, 1, 2L), (late.Marked, late.Deleted, late.BytesDeleted));
        Assert.Null(await store.SizeAsync(orphan, CancellationToken.None));
    }

    [Fact]
    public async Task A_referenced_blob_is_never_deleted_even_if_it_was_marked_before()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store);
        var blob = await PutAsync(store, 2);
        await sweeper.SweepAsync(new HashSet<Digest>(), Start, TimeSpan.Zero, dryRun: false, CancellationToken.None);

        // A build finished meanwhile and its image now needs the blob.
        var outcome = await sweeper.SweepAsync(new HashSet<Digest> { blob }, Start.AddDays(1), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0, 0), (outcome.Kept, outcome.Marked, outcome.Deleted));
        Assert.NotNull(await store.SizeAsync(blob, CancellationToken.None));

        // Once unreferenced again, it starts a new grace period.
        var remarked = await sweeper.SweepAsync(new HashSet<Digest>(), Start.AddDays(2), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (remarked.Marked, remarked.Deleted));
    }

    [Fact]
    public async Task A_dry_run_deletes_and_records_nothing()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store);
        var blob = await PutAsync(store, 3);
        await sweeper.SweepAsync(new HashSet<Digest>(), Start, TimeSpan.Zero, dryRun: true, CancellationToken.None);
        var dry = await sweeper.SweepAsync(new HashSet<Digest>(), Start.AddDays(1), TimeSpan.Zero, dryRun: true, CancellationToken.None);
        Assert.Equal(0, dry.Deleted);
        Assert.NotNull(await store.SizeAsync(blob, CancellationToken.None));
    }
}

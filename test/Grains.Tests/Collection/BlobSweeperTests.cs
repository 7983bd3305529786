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

    private static Func<CancellationToken, Task<IReadOnlySet<Digest>>> Referencing(params Digest[] blobs) =>
        _ => Task.FromResult<IReadOnlySet<Digest>>(blobs.ToHashSet());

    [Fact]
    public async Task An_unreferenced_blob_is_marked_first_and_deleted_once_the_grace_period_has_passed()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store, new BlobLeases(store, TimeProvider.System));
        var orphan = await PutAsync(store, 1);

        var first = await sweeper.SweepAsync(Referencing(), Start, TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (first.Marked, first.Deleted));
        var early = await sweeper.SweepAsync(Referencing(), Start.AddMinutes(59), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (early.Marked, early.Deleted));
        var late = await sweeper.SweepAsync(Referencing(), Start.AddHours(1), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((0, 1, 2L), (late.Marked, late.Deleted, late.BytesDeleted));
        Assert.Null(await store.SizeAsync(orphan, CancellationToken.None));
    }

    [Fact]
    public async Task A_referenced_blob_is_never_deleted_even_if_it_was_marked_before()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store, new BlobLeases(store, TimeProvider.System));
        var blob = await PutAsync(store, 2);
        await sweeper.SweepAsync(Referencing(), Start, TimeSpan.Zero, dryRun: false, CancellationToken.None);

        // A build finished meanwhile and its image now needs the blob.
        var outcome = await sweeper.SweepAsync(Referencing(blob), Start.AddDays(1), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0, 0), (outcome.Kept, outcome.Marked, outcome.Deleted));
        Assert.NotNull(await store.SizeAsync(blob, CancellationToken.None));

        // Once unreferenced again, it starts a new grace period.
        var remarked = await sweeper.SweepAsync(Referencing(), Start.AddDays(2), TimeSpan.FromHours(1), dryRun: false, CancellationToken.None);
        Assert.Equal((1, 0), (remarked.Marked, remarked.Deleted));
    }

    [Fact]
    public async Task A_dry_run_deletes_and_records_nothing()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var sweeper = new BlobSweeper(store, new BlobLeases(store, TimeProvider.System));
        var blob = await PutAsync(store, 3);
        await sweeper.SweepAsync(Referencing(), Start, TimeSpan.Zero, dryRun: true, CancellationToken.None);
        var dry = await sweeper.SweepAsync(Referencing(), Start.AddDays(1), TimeSpan.Zero, dryRun: true, CancellationToken.None);
        Assert.Equal(0, dry.Deleted);
        Assert.NotNull(await store.SizeAsync(blob, CancellationToken.None));
    }

    [Fact]
    public async Task A_leased_blob_is_kept_until_its_lease_is_released_or_expires()
    {
        using var root = new TemporaryDirectory();
        var store = new FileSystemBlobStore(root.Path);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start);
        var leases = new BlobLeases(store, clock);
        var sweeper = new BlobSweeper(store, leases);
        var released = await PutAsync(store, 4);
        var abandoned = await PutAsync(store, 5);
        await sweeper.SweepAsync(Referencing(), clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);

        var lease = leases.Open(TimeSpan.FromHours(1));
        await lease.HoldAsync([released], CancellationToken.None);
        // A build that crashed: its lease is never released.
        await leases.Open(TimeSpan.FromHours(1)).HoldAsync([abandoned], CancellationToken.None);
        var held = await sweeper.SweepAsync(Referencing(), clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        Assert.Equal((2, 0), (held.Kept, held.Deleted));

        await lease.DisposeAsync();
        clock.Advance(TimeSpan.FromMinutes(30));
        var afterRelease = await sweeper.SweepAsync(Referencing(), clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        Assert.Equal((1, 1), (afterRelease.Kept, afterRelease.Marked));
        clock.Advance(TimeSpan.FromMinutes(31));
        await sweeper.SweepAsync(Referencing(), clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        var afterExpiry = await sweeper.SweepAsync(Referencing(), clock.GetUtcNow(), TimeSpan.Zero, dryRun: false, CancellationToken.None);
        Assert.Equal(0, afterExpiry.Kept + afterExpiry.Marked);
        Assert.Null(await store.SizeAsync(released, CancellationToken.None));
        Assert.Null(await store.SizeAsync(abandoned, CancellationToken.None));
        Assert.Empty(await store.ListDocumentsAsync("gc/leases/", CancellationToken.None).ToListAsync());
    }
}

using Nixery.Packing;
using Nixery.Storage;

namespace Nixery.Images;

/// <summary>
/// Packs a layer straight into storage: tar, compression and both digests in
/// one pass over the bytes; the blob becomes visible only once complete and
/// its digest verified by the store. Each layer already compresses on every
/// core, so a silo packs two layers at a time (one compressing while the
/// other waits on storage): packing an image's 94 layers at once would hold
/// 94 sets of compression buffers for no gain.
/// </summary>
public sealed class LayerPublisher(IBlobStore store)
{
    private const int ConcurrentLayers = 2;
    private readonly SemaphoreSlim _packing = new(ConcurrentLayers, ConcurrentLayers);

    public async Task<LayerDescriptor> PublishAsync(IEnumerable<TarEntry> entries, CancellationToken cancellation)
    {
        await _packing.WaitAsync(cancellation);
        try
        {
            return await PackAsync(entries, cancellation);
        }
        finally
        {
            _packing.Release();
        }
    }

    private async Task<LayerDescriptor> PackAsync(IEnumerable<TarEntry> entries, CancellationToken cancellation)
    {
        LayerDescriptor? packed = null;
        BlobReference stored;
        try
        {
            stored = await store.PutAsync(
                async (destination, token) => packed = await new LayerWriter().WriteAsync(entries, destination, token),
                expected: null,
                cancellation);
        }
        catch (Exception e) when (e is IOException or BlobDigestMismatchException or UnauthorizedAccessException)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.StorageFailed, $"could not store a layer: {e.Message}"));
        }
        if (packed is null || packed.Blob != stored)
        {
            throw new BuildFailedException(BuildError.Of(BuildErrorKind.StorageFailed,
                $"storage received {stored.Digest} ({stored.Size} bytes) but the layer is {packed?.Digest} ({packed?.Size} bytes)"));
        }
        return packed;
    }

    public Task<LayerDescriptor> PublishStorePathsAsync(IReadOnlyList<string> storePaths, CancellationToken cancellation)
    {
        var missing = storePaths.FirstOrDefault(p => !Directory.Exists(p) && !File.Exists(p) && !IsSymlink(p));
        if (missing is not null) throw new StorePathMissingException(missing);
        return PublishAsync(StorePathEntries.Of(storePaths), cancellation);
    }

    private static bool IsSymlink(string path) => new FileInfo(path).LinkTarget is not null;
}

/// <summary>A layer's store path is not in this machine's Nix store (another silo built it).</summary>
public sealed class StorePathMissingException(string path) : Exception($"store path {path} is not in the local Nix store")
{
    public string StorePath { get; } = path;
}

using System.Text.Json;
using Nixery.Storage;

namespace Nixery.Collection;

/// <summary>An image the registry keeps: which blobs it needs and when it was last pulled.</summary>
public sealed record ImageIndexEntry(string Key, IReadOnlyList<string> Blobs, DateTimeOffset BuiltAt, DateTimeOffset LastPulled);

/// <summary>
/// The list of cached images, as documents <c>images/&lt;key&gt;</c> on the
/// storage backend, whatever holds grain state: garbage collection needs to
/// enumerate images, which grain storage providers cannot do.
/// </summary>
public sealed class ImageIndex(IBlobStore store)
{
    private const string Folder = "images/";

    public Task WriteAsync(ImageIndexEntry entry, CancellationToken cancellation) =>
        WriteAsync(entry, attempt: 0, cancellation);

    public async Task<ImageIndexEntry?> ReadAsync(string key, CancellationToken cancellation)
    {
        var document = await store.ReadDocumentAsync(Folder + key, cancellation);
        return document is null ? null : JsonSerializer.Deserialize<ImageIndexEntry>(document.Content);
    }

    /// <summary>The keys of the images listed, without reading their entries.</summary>
    public async IAsyncEnumerable<string> KeysAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var key in store.ListDocumentsAsync(Folder, cancellation)) yield return key[Folder.Length..];
    }

    public async IAsyncEnumerable<ImageIndexEntry> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var key in store.ListDocumentsAsync(Folder, cancellation))
        {
            if (await ReadAsync(key[Folder.Length..], cancellation) is { } entry) yield return entry;
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellation) => store.DeleteDocumentAsync(Folder + key, null, cancellation);

    /// <summary>Last writer wins: only the image's own grain writes its entry.</summary>
    private async Task WriteAsync(ImageIndexEntry entry, int attempt, CancellationToken cancellation)
    {
        var current = await store.ReadDocumentAsync(Folder + entry.Key, cancellation);
        try
        {
            await store.WriteDocumentAsync(Folder + entry.Key, JsonSerializer.SerializeToUtf8Bytes(entry), current?.ETag, cancellation);
        }
        catch (DocumentConflictException) when (attempt < 3)
        {
            await WriteAsync(entry, attempt + 1, cancellation);
        }
    }
}

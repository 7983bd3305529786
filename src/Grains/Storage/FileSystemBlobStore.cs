using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Nixery.Storage;

/// <summary>
/// Blobs and documents as files under one root directory:
/// <c>blobs/sha256/&lt;hex&gt;</c>, <c>documents/&lt;key&gt;</c>, and
/// <c>staging/</c> for writes in progress. Every write goes to a staging file
/// on the same filesystem, is flushed to disk, then renamed into place, so a
/// reader sees a complete file or none, even after a crash.
/// A blob's fsync is what durability needs, even though blobs are content-addressed
/// and verified as they are written: records (documents, fsynced) say which blobs exist
/// and are never checked against the bytes again, so a blob renamed into place before
/// its data reached the disk could, after a power loss, be served empty or truncated
/// under its digest forever. What is not needed is to wait for the whole blob at the
/// end: <see cref="EarlyWriteback"/> starts writing it while it is produced. The rename
/// itself reaches the disk with the next fsync of anything on the filesystem (ext4
/// commits one journal), at the latest the record that refers to the blob. Content types are
/// not stored (no extended attributes, so tmpfs works): the registry knows
/// what each blob is.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _blobs;
    private readonly string _documents;
    private readonly string _staging;

    public FileSystemBlobStore(IOptions<StorageOptions> options)
        : this(options.Value.Path)
    {
    }

    public FileSystemBlobStore(string root)
    {
        if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("the filesystem storage backend needs STORAGE_PATH");
        root = System.IO.Path.GetFullPath(root);
        _blobs = System.IO.Path.Combine(root, "blobs", "sha256");
        _documents = System.IO.Path.Combine(root, "documents");
        _staging = System.IO.Path.Combine(root, "staging");
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_documents);
        Directory.CreateDirectory(_staging);
        RemoveAbandonedStagingFiles();
    }

    public async Task<BlobReference> PutAsync(Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation)
    {
        var staging = StagingFile();
        try
        {
            long size;
            Digest digest;
            await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            await using (var hashing = new HashingStream(new EarlyWriteback(file)))
            {
                await write(hashing, cancellation);
                await hashing.FlushAsync(cancellation);
                file.Flush(flushToDisk: true);
                size = hashing.BytesWritten;
                digest = hashing.Digest();
            }
            if (expected is { } wanted && wanted != digest)
                throw new BlobDigestMismatchException(wanted, digest);
            File.Move(staging, BlobPath(digest), overwrite: true);
            return new BlobReference(digest, size);
        }
        finally
        {
            File.Delete(staging);
        }
    }

    public Task<long?> SizeAsync(Digest digest, CancellationToken cancellation)
    {
        var info = new FileInfo(BlobPath(digest));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public Task<BlobLocation?> LocateAsync(Digest digest, CancellationToken cancellation)
    {
        var info = new FileInfo(BlobPath(digest));
        return Task.FromResult<BlobLocation?>(info.Exists ? new BlobLocation.LocalFile(info.FullName, info.Length) : null);
    }

    /// <summary>A local file is opened to be sent anyway; its size comes with the open.</summary>
    public ValueTask<BlobLocation?> LocateKnownAsync(Digest digest, long size, CancellationToken cancellation) => ValueTask.FromResult<BlobLocation?>(null);

    public async Task<byte[]?> ReadAsync(Digest digest, long maxLength, CancellationToken cancellation)
    {
        var info = new FileInfo(BlobPath(digest));
        if (!info.Exists || info.Length > maxLength) return null;
        try
        {
            return await File.ReadAllBytesAsync(info.FullName, cancellation);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public Task DeleteAsync(Digest digest, CancellationToken cancellation)
    {
        File.Delete(BlobPath(digest));
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<Digest> ListAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var file in Directory.EnumerateFiles(_blobs))
        {
            cancellation.ThrowIfCancellationRequested();
            if (Digest.TryParse("sha256:" + System.IO.Path.GetFileName(file), out var digest)) yield return digest;
        }
        await Task.CompletedTask;
    }

    public async Task<StoredDocument?> ReadDocumentAsync(string key, CancellationToken cancellation)
    {
        var path = DocumentPath(key);
        try
        {
            var content = await File.ReadAllBytesAsync(path, cancellation);
            return new StoredDocument(content, ETagOf(content));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<string> WriteDocumentAsync(string key, byte[] content, string? expectedETag, CancellationToken cancellation)
    {
        var path = DocumentPath(key);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // One writer per key at a time in this process; Orleans already gives
        // each grain a single activation, so this only guards the ETag check.
        using (await DocumentLocks.LockAsync(path, cancellation))
        {
            var current = await ReadDocumentAsync(key, cancellation);
            if (current?.ETag != expectedETag) throw new DocumentConflictException(key);
            var staging = StagingFile();
            try
            {
                await using (var file = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
                {
                    await file.WriteAsync(content, cancellation);
                    file.Flush(flushToDisk: true);
                }
                if (expectedETag is null)
                {
                    // Creation must be atomic across processes sharing the
                    // directory too: exactly one of them wins.
                    if (!ExclusiveRename.TryMove(staging, path)) throw new DocumentConflictException(key);
                }
                else
                {
                    File.Move(staging, path, overwrite: true);
                }
            }
            finally
            {
                File.Delete(staging);
            }
            return ETagOf(content);
        }
    }

    public async Task DeleteDocumentAsync(string key, string? expectedETag, CancellationToken cancellation)
    {
        var path = DocumentPath(key);
        using (await DocumentLocks.LockAsync(path, cancellation))
        {
            var current = await ReadDocumentAsync(key, cancellation);
            if (current is null) return;
            if (expectedETag is not null && current.ETag != expectedETag) throw new DocumentConflictException(key);
            File.Delete(path);
        }
    }

    /// <summary>Only sha256 blobs are ever written; any other algorithm names a file that cannot exist.</summary>
    public async IAsyncEnumerable<string> ListDocumentsAsync(string folder, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var directory = DocumentPath(folder.TrimEnd('/'));
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            cancellation.ThrowIfCancellationRequested();
            yield return DocumentKey.Unescape(System.IO.Path.GetRelativePath(_documents, file).Replace(System.IO.Path.DirectorySeparatorChar, '/'));
        }
        await Task.CompletedTask;
    }

    private string BlobPath(Digest digest) =>
        System.IO.Path.Combine(_blobs, digest.Algorithm == "sha256" ? digest.Hex : $"unsupported-{digest.Algorithm}");

    /// <summary>Keys are made of safe segments; anything else is escaped so a key can never leave the root.</summary>
    private string DocumentPath(string key) =>
        System.IO.Path.Combine(_documents, System.IO.Path.Combine(key.Split('/').Select(DocumentKey.EscapeSegment).ToArray()));

    private string StagingFile() => System.IO.Path.Combine(_staging, Guid.NewGuid().ToString("N"));

    private static string ETagOf(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..32];

    /// <summary>A crash mid-write leaves a staging file that no reader can see; clear them at start.</summary>
    private void RemoveAbandonedStagingFiles()
    {
        foreach (var file in Directory.EnumerateFiles(_staging))
        {
            if (File.GetLastWriteTimeUtc(file) < DateTime.UtcNow.AddHours(-1)) File.Delete(file);
        }
    }

    private readonly KeyedLock DocumentLocks = new();
}

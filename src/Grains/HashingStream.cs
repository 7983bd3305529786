using System.Security.Cryptography;

namespace Nixery;

/// <summary>
/// A write-only pass-through that hashes and counts what goes by, so a digest is computed
/// in the same pass that produces the bytes. Never disposes the stream it writes to.
/// </summary>
public sealed class HashingStream(Stream inner) : WriteOnlyStream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesWritten { get; private set; }

    /// <summary>The digest of everything written so far.</summary>
    public Digest Digest()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        _sha256.GetCurrentHash(hash);
        return Nixery.Digest.FromHash(hash);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sha256.AppendData(buffer);
        BytesWritten += buffer.Length;
        inner.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _sha256.AppendData(buffer.Span);
        BytesWritten += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha256.Dispose();
        base.Dispose(disposing);
    }
}

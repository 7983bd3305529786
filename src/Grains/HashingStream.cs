using System.Security.Cryptography;

namespace Nixery;

/// <summary>
/// A write-only pass-through that hashes and counts what goes by, so a digest is computed
/// in the same pass that produces the bytes. Never disposes the stream it writes to.
/// </summary>
public sealed class HashingStream(Stream inner) : Stream
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

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _sha256.AppendData(buffer);
        BytesWritten += buffer.Length;
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _sha256.AppendData(buffer.Span);
        BytesWritten += buffer.Length;
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sha256.Dispose();
        base.Dispose(disposing);
    }
}

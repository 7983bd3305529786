using System.IO.Pipelines;
using System.Runtime.ExceptionServices;

namespace Nixery.Storage;

/// <summary>
/// Connects a blob writer (which pushes bytes into a stream) to an
/// object-storage upload (which pulls them from one) through a bounded pipe,
/// hashing every byte on the way. The upload's stream ends only once the
/// writer has finished and the digest has been checked, so an upload that
/// commits at the end of its stream (Azure's block list, S3's multipart
/// completion, GCS's final chunk) commits only complete, verified bytes. If
/// the writer fails or the digest differs, the upload's next read throws
/// instead, and the upload never commits.
/// </summary>
internal static class VerifiedUpload
{
    /// <summary>Room for one part in the pipe while the previous part is being sent.</summary>
    private const int PipeBytes = 8 << 20;

    /// <summary>
    /// Runs <paramref name="write"/> and <paramref name="upload"/> together.
    /// On failure the writer's own exception wins over the echo the upload
    /// saw of it, so callers see "connection lost" or a digest mismatch,
    /// not a wrapped copy; a failure of the upload itself stops the writer.
    /// </summary>
    public static async Task<BlobReference> RunAsync(
        Func<Stream, CancellationToken, Task> write,
        Digest? expected,
        Func<Stream, CancellationToken, Task> upload,
        CancellationToken cancellation)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2, useSynchronizationContext: false));
        using var writerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var writer = Task.Run(() => WriteAsync(pipe.Writer, write, expected, writerCancellation.Token), CancellationToken.None);
        var content = pipe.Reader.AsStream();
        try
        {
            await upload(content, cancellation);
            // An upload that returned without reading to the end would leave
            // the writer waiting on a full pipe forever.
            if (await content.ReadAsync(new byte[1], cancellation) != 0)
                throw new InvalidOperationException("the upload stopped before the end of the blob");
            return await writer;
        }
        catch (Exception uploadFailure)
        {
            await writerCancellation.CancelAsync();
            await pipe.Reader.CompleteAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                // Stopped because the upload failed: report the upload's failure.
            }
            catch (Exception writerFailure)
            {
                ExceptionDispatchInfo.Throw(writerFailure);
            }
            ExceptionDispatchInfo.Throw(uploadFailure);
            throw;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; the count read.</summary>
    public static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellation) =>
        await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellation);

    private static async Task<BlobReference> WriteAsync(
        PipeWriter pipe, Func<Stream, CancellationToken, Task> write, Digest? expected, CancellationToken cancellation)
    {
        try
        {
            BlobReference blob;
            await using (var hashing = new HashingStream(pipe.AsStream(leaveOpen: true)))
            {
                await write(hashing, cancellation);
                await hashing.FlushAsync(cancellation);
                blob = new BlobReference(hashing.Digest(), hashing.BytesWritten);
            }
            if (expected is { } wanted && wanted != blob.Digest) throw new BlobDigestMismatchException(wanted, blob.Digest);
            await pipe.CompleteAsync();
            return blob;
        }
        catch (Exception e)
        {
            await pipe.CompleteAsync(e);
            throw;
        }
    }
}

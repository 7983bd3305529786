namespace Nixery.Storage;

/// <summary>
/// An object-storage service refused or failed a request (HTTP errors,
/// throttling, authentication, an unreachable endpoint). It is an
/// <see cref="IOException"/> so that the pipeline reports it as a storage
/// failure, as it does a full disk on the filesystem backend.
/// </summary>
public sealed class BlobStoreException(string message, Exception inner) : IOException(message, inner)
{
    /// <summary>
    /// The storage failure behind <paramref name="e"/>, however deep: Orleans wraps a grain's
    /// failed state read in an <c>OrleansException</c>, a layer grain's failure reaches the image
    /// grain inside others; the outer messages carry stack traces, this one the reason.
    /// </summary>
    public static BlobStoreException? Within(Exception? e) =>
        e is null ? null : e as BlobStoreException ?? Within(e.InnerException);
}

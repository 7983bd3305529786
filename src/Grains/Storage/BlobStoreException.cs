namespace Nixery.Storage;

/// <summary>
/// An object-storage service refused or failed a request (HTTP errors,
/// throttling, authentication, an unreachable endpoint). It is an
/// <see cref="IOException"/> so that the pipeline reports it as a storage
/// failure, as it does a full disk on the filesystem backend.
/// </summary>
public sealed class BlobStoreException(string message, Exception inner) : IOException(message, inner);

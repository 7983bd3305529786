namespace Nixery.Storage;

/// <summary>The bytes that reached storage are not the bytes the pipeline hashed: nothing is published.</summary>
public sealed class BlobDigestMismatchException(Digest expected, Digest actual)
    : Exception($"blob should have digest {expected} but storage received {actual}");

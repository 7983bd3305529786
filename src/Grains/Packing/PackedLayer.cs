namespace Nixery.Packing;

/// <summary>
/// What packing a layer produced: the digest of its uncompressed tar (the image config's
/// diff_id), and the digest and size of the compressed blob (the manifest's layer descriptor).
/// </summary>
public sealed record PackedLayer(Digest DiffId, Digest Digest, long Size);

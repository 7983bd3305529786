namespace Nixery.Packing;

/// <summary>
/// The parameters that fix a layer's bytes. Every one of them is part of every
/// blob digest: changing any of them changes the digest of every layer, so
/// existing caches must then be keyed apart, which is what <see cref="Id"/> is for.
/// </summary>
/// <remarks>
/// Members are compressed by libdeflate 1.14 (Debian's libdeflate0, see <see cref="GzipCompressor"/>)
/// at its level 4. On the bench/compression corpus (350 MB of shared libraries and the .NET
/// runtime, 2 cores, machine loaded, 18:05 UTC on 2026-12-01) a layer costs 3.2 CPU seconds at a
/// ratio of 0.3987, where the earlier format (zlib-ng level 5, as bundled with .NET) cost 4.3 at
/// 0.4085, GNU gzip -6 gives 0.3946 and Nixery's Go packer 0.4075 for 11.3–12.0 CPU seconds.
/// libdeflate's level 6 gives 0.3888 for 4.3; level 3 saves another 6 % of CPU for 0.5 % of size.
/// 4 MiB members: 1 MiB loses a little ratio to dictionary resets for no gain in speed.
///
/// The compressed bytes also depend on the libdeflate version installed on the machine,
/// so an update of that package may change blob digests (never diff_ids). A cache keyed by
/// <see cref="Id"/> stays valid across such an update, because its entries name blobs by
/// content; only byte-for-byte reproducibility across machines is lost.
///
/// The bytes do not depend on the media type a manifest gives the layer: the same blob
/// serves as Docker's <c>rootfs.diff.tar.gzip</c> and OCI's <c>tar+gzip</c>.
/// </remarks>
public static class LayerFormat
{
    /// <summary>libdeflate level for every gzip member.</summary>
    public const int GzipLevel = 4;

    /// <summary>
    /// Uncompressed bytes per gzip member. Members are independent, which is what lets them
    /// be compressed in parallel; the output does not depend on how many workers did it.
    /// </summary>
    public const int ChunkSize = 4 * 1024 * 1024;

    /// <summary>
    /// mtime of every tar entry, in seconds since the epoch: 1970-01-01T00:00:01Z, as nixpkgs
    /// dockerTools and nix2container write it (some tools treat 0 as "unset").
    /// </summary>
    public const long ModificationTime = 1;

    /// <summary>Names this format in cache keys; change it whenever any constant above changes.</summary>
    public const string Id = "tar-v1+gzip-libdeflate-l4-c4m";
}

namespace Nixery.Packing;

/// <summary>
/// The parameters that fix a layer's bytes. Every one of them is part of every
/// blob digest: changing any of them changes the digest of every layer, so
/// existing caches must then be keyed apart, which is what <see cref="Id"/> is for.
/// </summary>
/// <remarks>
/// Measured on 2 cores with .NET 10's bundled zlib-ng (bench/compression/run.sh):
/// 4 MiB independent members at level 5 with 2 workers pack at about 169 MB/s, 4.5×
/// Nixery's single-threaded Go packer, at the same ratio (0.4105 against 0.4095).
/// Level 6 costs 15 % of the speed for 0.2 % of size; 1 MiB chunks lose a little more
/// ratio to dictionary resets for no gain in speed.
///
/// The compressed bytes also depend on the zlib-ng version bundled with the .NET
/// runtime, so a runtime update may change blob digests (never diff_ids). A cache keyed by
/// <see cref="Id"/> stays valid across such an update, because its entries name blobs by
/// content; only byte-for-byte reproducibility across machines is lost.
///
/// The bytes do not depend on the media type a manifest gives the layer: the same blob
/// serves as Docker's <c>rootfs.diff.tar.gzip</c> and OCI's <c>tar+gzip</c>.
/// </remarks>
public static class LayerFormat
{
    /// <summary>zlib level for every gzip member.</summary>
    public const int GzipLevel = 5;

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
    public const string Id = "tar-v1+gzip-l5-c4m";
}

namespace Nixery.Packing;

/// <summary>
/// The parameters that fix a layer's bytes. Every one of them is part of every
/// blob digest: changing any of them changes the digest of every layer, so
/// existing caches must then be keyed apart, which is what <see cref="Id"/> is for.
/// </summary>
/// <remarks>
/// Members are compressed by libdeflate 1.14 (Debian's libdeflate0, see <see cref="GzipCompressor"/>)
/// at its level 1, chosen for the cold pull (issue 9), where compressing is most of the CPU the
/// registry spends and the client waits for all of it. Compression alone, in 4 MiB members, CPU
/// seconds and ratio by level (libdeflate through ctypes, 2026-12-01 21:05 UTC, machine loaded):
/// on the bench/compression corpus (349 MB of shared libraries and the .NET runtime) level 1 costs
/// 1.96 s at 0.4263, level 2 2.47 s at 0.4037, level 3 2.78 s at 0.4005, level 4 2.87 s at 0.3987;
/// on bench/serve's `big` (68 MB) 0.43 s at 0.5005 against level 4's 0.64 s at 0.4765. Level 1 is
/// a third less CPU for 5–7 % more bytes: within the bound this format was held to when chosen
/// (1.05 × the 0.410 of Go's gzip -6, which Nixery uses: 0.4305), and the same-run cold pull of
/// `big` went from 0.46–0.50x to 0.37–0.44x of `tar | gzip -6 | sha256sum` (bench/serve's cold
/// part, three pairs each, load 12–15). Earlier formats: level 4 (3.2 CPU s on the corpus in
/// LayerWriter, 0.3987) and zlib-ng level 5 as bundled with .NET (4.3, 0.4085); GNU gzip -6 gives
/// 0.3946, Nixery's Go packer 0.4075 for 11.3–12.0 CPU seconds.
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
    public const int GzipLevel = 1;

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
    public const string Id = "tar-v1+gzip-libdeflate-l1-c4m";
}

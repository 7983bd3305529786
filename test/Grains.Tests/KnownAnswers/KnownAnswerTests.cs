using System.Text;
using Nixery.Manifests;
using Nixery.Packing;

namespace Nixery.Tests.KnownAnswers;

/// <summary>
/// Fixed inputs and the digests they must give, written down once here. Every
/// other test compares the registry with itself (same request, same bytes) or
/// decodes with independent tools; these catch a change that moves every
/// digest at once, such as an update of libdeflate0 that compresses differently, or a
/// tar header written differently, which would otherwise pass silently and
/// make every cached image and layer of every deployment change digest.
/// </summary>
/// <remarks>
/// When one of these fails: if the change was not meant to change bytes, it
/// is a bug (or a libdeflate update: pin the package or accept it knowingly).
/// If it was deliberate (a format change), bump <see cref="LayerFormat.Id"/>
/// (layers) or <c>ImageRecipe.ImageFormat</c> (config, manifests) so that
/// caches are keyed apart, say so in the commit message, and replace the
/// expected digests below with the new ones the failure message prints,
/// after checking the new bytes with the independent tools the other tests use.
/// </remarks>
[Trait("Category", "Unit")]
public class KnownAnswerTests
{
    private const string TarSha256 = "sha256:27fc653301877dbb7e9f4e4158459d4c1d5aaae84815816611e31273c8897000";
    private const string GzipSha256 = "sha256:89b831347312ab1fc091dc972ce125262fd00a7c788fc95df7309469de36399a";
    private const string LayerDigest = "sha256:f50e36147b61281b5d375f55c62d85b29cbac65bfc82edd05f647c8c1d3e0d4c";
    /// <summary>A layer's diff_id is the digest of its tar: the tar above.</summary>
    private const string LayerDiffId = TarSha256;
    private const long LayerSize = 253;
    private const string ConfigSha256 = "sha256:a2231da5e62866b7a8b6731118973e7fa29bc44b868ee94d710450708336ad3f";
    private const string DockerManifestSha256 = "sha256:3702bdb4ae10cddbd3b50471505007413cbee87d03a883f78c4c7a4b87ca8dff";
    private const string OciManifestSha256 = "sha256:8191275212e8539acbb005d1c91f45244c6204c9166f6f5595975f88b6c4141b";

    private static readonly IReadOnlyList<TarEntry> Entries =
    [
        TarEntry.Directory("nix", (UnixFileMode)0b111_101_101),
        TarEntry.Directory("nix/store", (UnixFileMode)0b111_101_101),
        TarEntry.Directory("nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12", (UnixFileMode)0b101_101_101),
        TarEntry.Directory("nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12/bin", (UnixFileMode)0b101_101_101),
        TarEntry.File("nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12/bin/hello", (UnixFileMode)0b101_101_101, Encoding.ASCII.GetBytes("#!/bin/sh\necho Hello, world!\n")),
        TarEntry.Symlink("nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-hello-2.12/bin/greet", "hello"),
    ];

    /// <summary>Compressible and not: text repeated, then bytes from a fixed generator.</summary>
    private static byte[] GzipInput()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog\n", 2000)));
        var noise = new byte[64 * 1024];
        new Random(11).NextBytes(noise);
        return [.. text, .. noise];
    }

    /// <summary>
    /// The answers of FIPS 180-2 (appendix B.1) and of the empty input: the
    /// digest function and the hashing stream many tests take their expected
    /// digests from are themselves checked against outside answers here.
    /// </summary>
    [Theory]
    [InlineData("", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    public async Task Digests_are_the_published_sha256_answers(string input, string expected)
    {
        var bytes = Encoding.ASCII.GetBytes(input);
        Assert.Equal(expected, Digest.Sha256(bytes).ToString());
        await using var hashing = new HashingStream(Stream.Null);
        foreach (var b in bytes) await hashing.WriteAsync(new[] { b });
        Assert.Equal(expected, hashing.Digest().ToString());
        Assert.Equal(bytes.Length, hashing.BytesWritten);
    }

    [Fact]
    public async Task The_tar_writer_gives_the_known_tar()
    {
        var tar = await TarAsync();
        Assert.Equal(TarSha256, Digest.Sha256(tar).ToString());
        // GNU tar reads it and lists what was written, in order.
        var listing = Encoding.UTF8.GetString(await Tool.RunAsync("tar", ["-t"], tar));
        Assert.Equal(Entries.Select(e => e.Kind == TarEntryKind.Directory ? e.Name + "/" : e.Name), listing.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task One_gzip_member_is_the_known_bytes_and_decodes_with_gzip_and_pigz()
    {
        var input = GzipInput();
        using var output = new MemoryStream();
        await using (var gzip = new ParallelGzipStream(output, workers: 1, leaveOpen: true))
        {
            await gzip.WriteAsync(input);
            await gzip.CompleteAsync(CancellationToken.None);
        }
        var member = output.ToArray();
        Assert.Equal(GzipSha256, Digest.Sha256(member).ToString());
        await Tool.RunAsync("gzip", ["-t"], member);
        Assert.Equal(input, await Tool.RunAsync("pigz", ["-d", "-c"], member));
    }

    [Fact]
    public async Task A_whole_layer_has_the_known_digest_diff_id_and_size()
    {
        using var blob = new MemoryStream();
        var layer = await new LayerWriter(workers: 2).WriteAsync(Entries, blob);
        Assert.Equal((LayerDigest, LayerDiffId, LayerSize), (layer.Digest.ToString(), layer.DiffId.ToString(), layer.Size));
        // The diff_id is the digest of the tar the blob decompresses to, by an independent decoder.
        Assert.Equal(LayerDiffId, Digest.Sha256(await Tool.RunAsync("pigz", ["-d", "-c"], blob.ToArray())).ToString());
    }

    [Fact]
    public void A_config_has_the_known_digest()
    {
        var config = new ImageConfig(
            Platform.Amd64,
            [Digest.Parse(LayerDiffId)],
            ["PATH=/bin:/usr/bin:/sbin:/usr/sbin", "SSL_CERT_FILE=/etc/ssl/certs/ca-bundle.crt"],
            ["bash"],
            ["cacert", "hello"],
            "path:sha256-known").ToJson();
        Assert.Equal(ConfigSha256, Digest.Sha256(config).ToString());
    }

    [Fact]
    public void Both_manifests_have_their_known_digests()
    {
        var config = new BlobReference(Digest.Parse(ConfigSha256), 512);
        LayerDescriptor[] layers = [new(Digest.Sha256("layer"u8), Digest.Sha256("tar"u8), 1234)];
        Assert.Equal(DockerManifestSha256, ImageManifest.Docker(config, layers).Digest.ToString());
        Assert.Equal(OciManifestSha256, ImageManifest.Oci(config, layers).Digest.ToString());
    }

    private static async Task<byte[]> TarAsync()
    {
        using var tar = new MemoryStream();
        var writer = new DeterministicTarWriter(tar);
        foreach (var entry in Entries) await writer.WriteEntryAsync(entry, CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);
        return tar.ToArray();
    }
}

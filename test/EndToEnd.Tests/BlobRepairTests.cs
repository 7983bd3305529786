using Nixery.EndToEnd.Tests.Support;
using Nixery.Storage;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// A blob storage has lost (an operator deleted it, a restore, a bug) is
/// stored again when a client asks for it, and the pull succeeds with the
/// same digests: a store-path layer is packed again without Nix; the
/// customisation layer needs the image built again, which Nix evaluates once.
/// </summary>
public class BlobRepairTests
{
    [Fact]
    public async Task A_pull_after_a_layer_blob_was_deleted_from_storage_succeeds_and_stores_the_blob_again()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        using var nix = new NixInvocations();
        using var pulls = new TemporaryDirectory();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = packages.Path, ["PATH"] = nix.SearchPath });
        await registry.StartAsync();
        var store = new FileSystemBlobStore(storage.Path);
        using var http = registry.Http();

        var first = await PullAsync(registry, pulls.Combine("first"));
        var layers = RegistryClient.LayerDigests((await http.ManifestAsync("hello", "latest")).Content).Select(Digest.Parse).ToArray();
        Assert.True(layers.Length >= 2);

        // A store-path layer: packed again from this silo's store, Nix is not asked.
        await DeleteFileAsync(store, layers[0]);
        nix.Reset();
        Assert.Equal(first, await PullAsync(registry, pulls.Combine("second")));
        Assert.NotNull(await store.SizeAsync(layers[0], CancellationToken.None));
        Assert.Equal((0, 0), (nix.Selections, nix.Builds));

        // The customisation layer has no store paths of its own: the image is built again, once.
        await DeleteFileAsync(store, layers[^1]);
        nix.Reset();
        Assert.Equal(first, await PullAsync(registry, pulls.Combine("third")));
        Assert.NotNull(await store.SizeAsync(layers[^1], CancellationToken.None));
        Assert.Equal(1, nix.Selections);
    }

    /// <summary>What the operator does: the blob's file goes.</summary>
    private static async Task DeleteFileAsync(FileSystemBlobStore store, Digest digest)
    {
        var file = Assert.IsType<BlobLocation.LocalFile>(await store.LocateAsync(digest, CancellationToken.None));
        File.Delete(file.Path);
        Assert.Null(await store.SizeAsync(digest, CancellationToken.None));
    }

    /// <summary>skopeo copies the image into an OCI layout; the answer is every blob it holds, by digest.</summary>
    private static async Task<string[]> PullAsync(RegistryProcess registry, string layout)
    {
        await Shell.RunAsync("skopeo", "copy", "--src-tls-verify=false", $"docker://{registry.Address}/hello:latest", $"oci:{layout}:latest");
        return Directory.GetFiles(Path.Combine(layout, "blobs", "sha256")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
    }
}

using System.Net;
using System.Security.Cryptography;
using Nixery.EndToEnd.Tests.Support;
using Nixery.Storage;

namespace Nixery.EndToEnd.Tests;

/// <summary>`Nixery.Silo gc` against the running registry: images unused since the cut-off go, with their blobs and GC roots; nothing a kept image needs does.</summary>
public class GarbageCollectionTests
{
    [Fact]
    public async Task Collection_expires_unused_images_and_sweeps_their_blobs_but_never_what_a_kept_image_needs()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = packages.Path });
        await registry.StartAsync();
        using var http = registry.Http();

        var old = await http.ManifestAsync("hello", "latest");
        await Task.Delay(1100);
        var cutOff = DateTimeOffset.UtcNow;
        await Task.Delay(1100);
        var kept = await http.ManifestAsync("git", "latest");
        var stray = await new FileSystemBlobStore(storage.Path).PutAsync((s, t) => s.WriteAsync(RandomNumberGenerator.GetBytes(1000), t).AsTask(), null, CancellationToken.None);
        var roots = Path.Combine(storage.Path, "gcroots");
        Assert.Equal(2, Directory.GetDirectories(roots).Count(d => Path.GetFileName(d) != "sources"));

        var dryRun = await CollectAsync(registry, "--dry-run", "--unused-before", cutOff.ToString("O"), "--grace-minutes", "0");
        Assert.Contains("dry run: images: 1 kept, 1 expired", dryRun);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v2/hello/manifests/{old.Digest}")).StatusCode);

        // The first collection expires the image and marks what only it used; the second deletes.
        var first = await CollectAsync(registry, "--unused-before", cutOff.ToString("O"), "--grace-minutes", "0");
        Assert.Contains("images: 1 kept, 1 expired", first);
        Assert.Contains("0 deleted", first);
        var second = await CollectAsync(registry, "--unused-before", cutOff.ToString("O"), "--grace-minutes", "0");
        Assert.DoesNotContain(" 0 deleted", second);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v2/hello/manifests/{old.Digest}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v2/hello/blobs/{stray.Digest}")).StatusCode);
        foreach (var blob in RegistryClient.LayerDigests(kept.Content).Append(RegistryClient.ConfigDigest(kept.Content)).Append(kept.Digest))
        {
            var bytes = await http.GetByteArrayAsync($"/v2/git/blobs/{blob}");
            Assert.Equal(blob, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        Assert.Single(Directory.GetDirectories(roots), d => Path.GetFileName(d) != "sources");

        // The expired image builds again on its next pull, whole.
        var again = await http.ManifestAsync("hello", "latest");
        Assert.Equal(old.Digest, again.Digest);
        foreach (var blob in RegistryClient.LayerDigests(again.Content))
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v2/hello/blobs/{blob}", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
    }

    [Fact]
    public async Task The_scheduled_collection_runs_by_itself_and_takes_the_blobs_of_an_image_nobody_pulls()
    {
        using var storage = new TemporaryDirectory();
        using var packages = new SaltedPackageSet();
        var store = new FileSystemBlobStore(storage.Path);
        (byte[] Content, string Digest, string MediaType) built;
        await using (var builder = new RegistryProcess(storage.Path, new Dictionary<string, string> { ["NIXERY_PKGS_PATH"] = packages.Path, ["NIXERY_GC_INTERVAL"] = "0" }))
        {
            await builder.StartAsync();
            using var http = builder.Http();
            built = await http.ManifestAsync("hello", "latest");
        }
        var blobs = RegistryClient.LayerDigests(built.Content).Append(RegistryClient.ConfigDigest(built.Content)).Append(built.Digest).Select(Digest.Parse).ToArray();
        foreach (var blob in blobs) Assert.NotNull(await store.SizeAsync(blob, CancellationToken.None));

        // A collection every 3.6 s, images unused for a second expire, blobs go 6 s after they were marked
        // (builds may take 5 s, so start-up accepts the grace). Nothing is pulled and no command is run.
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = packages.Path,
            ["NIXERY_GC_INTERVAL"] = "0.001",
            ["NIXERY_GC_RETENTION"] = "0.00001",
            ["NIXERY_GC_GRACE"] = "0.1",
            ["NIXERY_BUILD_TIMEOUT"] = "5",
        });
        await registry.StartAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline && (await store.ListAsync(CancellationToken.None).ToListAsync()).Intersect(blobs).Any()) await Task.Delay(1000);

        Assert.Empty((await store.ListAsync(CancellationToken.None).ToListAsync()).Intersect(blobs));
        Assert.Empty(await store.ListDocumentsAsync("images/", CancellationToken.None).ToListAsync());
    }

    private static async Task<string> CollectAsync(RegistryProcess registry, params string[] arguments)
    {
        var command = registry.Successor();
        Assert.Equal(0, await command.RunCommandAsync(["gc", .. arguments], registry.GatewayEnvironment));
        return command.Log;
    }
}

using Nixery.Access;
using Nixery.Storage;
using Nixery.Tests.Support;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class TokenKeyStoreTests
{
    [Fact]
    public async Task Processes_starting_together_on_one_storage_end_up_with_one_key()
    {
        // Many rounds: the race between creators is narrow (it was seen once in a CI run with one round).
        SigningKey[] keys = [];
        for (var round = 0; round < 50; round++)
        {
            using var directory = new TemporaryDirectory();
            // Separate store instances stand for separate processes: no lock in memory is shared.
            var stores = Enumerable.Range(0, 8).Select(_ => new FileSystemBlobStore(directory.Path)).ToArray();
            keys = await Task.WhenAll(stores.Select(s => Task.Run(() => TokenKeyStore.LoadAsync(new AuthOptions(), s, CancellationToken.None))));
            Assert.Single(keys.Select(k => k.KeyId).Distinct());
        }

        var clock = TimeProvider.System;
        var token = new RegistryTokens(keys[0], clock, "nixery").Issue("alice", [ResourceScope.PullOf("a")], TimeSpan.FromMinutes(1));
        Assert.All(keys, key => Assert.NotNull(new RegistryTokens(key, clock, "nixery").Verify(token)));
    }

    [Fact]
    public async Task A_configured_key_file_wins_over_storage()
    {
        using var directory = new TemporaryDirectory();
        var pem = SigningKey.GeneratePem();
        var file = directory.Combine("key.pem");
        await File.WriteAllTextAsync(file, pem);
        var store = new FileSystemBlobStore(directory.Combine("storage"));
        using var key = await TokenKeyStore.LoadAsync(new AuthOptions { KeyFile = file }, store, CancellationToken.None);
        Assert.Equal(SigningKey.FromPem(pem).KeyId, key.KeyId);
        Assert.Null(await store.ReadDocumentAsync(TokenKeyStore.KeyDocument, CancellationToken.None));
    }

    [Fact]
    public async Task A_generated_key_is_kept_for_the_next_start()
    {
        using var directory = new TemporaryDirectory();
        using var first = await TokenKeyStore.LoadAsync(new AuthOptions(), new FileSystemBlobStore(directory.Path), CancellationToken.None);
        using var second = await TokenKeyStore.LoadAsync(new AuthOptions(), new FileSystemBlobStore(directory.Path), CancellationToken.None);
        Assert.Equal(first.KeyId, second.KeyId);
    }
}

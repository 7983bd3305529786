namespace Nixery.StorageServers;

/// <summary>
/// Azurite's blob service (Microsoft's Azure Storage emulator, from npm):
/// the one named by <c>NIXERY_TEST_AZURITE</c> (a connection string), else
/// one started here, in memory, on a free port.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account; the key is public.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ServerProcess? _process;

    private Azurite(string connectionString, ServerProcess? process)
    {
        ConnectionString = connectionString;
        _process = process;
    }

    public string ConnectionString { get; }

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_AZURITE") is { Length: > 0 } shared) return new Azurite(shared, null);
        var port = ServerProcess.FreePort();
        var process = await ServerProcess.StartAsync(await NodeTools.BinAsync("azurite-blob"),
            ["--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--skipApiVersionCheck", "--silent"], port);
        return new Azurite(ConnectionStringFor(port), process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

namespace Nixery.Tests.Support;

/// <summary>
/// Azurite (Microsoft's Azure Storage emulator, from npm) with its blob and
/// table services, for blob storage, Azure Table membership and grain state:
/// the one at the ports in <c>NIXERY_TEST_AZURITE</c> (<c>blob,table</c>, started by scripts/test), else
/// one started here, in memory, on free ports.
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

    public static string ConnectionStringFor(int blobPort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    public static async Task<Azurite> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_AZURITE") is { Length: > 0 } shared)
        {
            var ports = shared.Split(',');
            return new Azurite(ConnectionStringFor(int.Parse(ports[0]), int.Parse(ports[1])), null);
        }
        var (blob, queue, table) = (FreePorts.Lease(), FreePorts.Lease(), FreePorts.Lease());
        var process = await ServerProcess.StartAsync(await NodeTools.BinAsync("azurite"),
            ["--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
             "--tableHost", "127.0.0.1", "--tablePort", table.ToString(), "--skipApiVersionCheck", "--silent"], table.Port, blob, queue, table);
        return new Azurite(ConnectionStringFor(blob.Port, table.Port), process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

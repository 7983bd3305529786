namespace Nixery.Tests.Support;

/// <summary>
/// Azurite (Microsoft's Azure Storage emulator, from npm) with its blob and
/// table services, for blob storage, Azure Table membership and grain state:
/// the one at the ports in <c>NIXERY_TEST_AZURITE</c> (<c>blob,table</c>, started by scripts/test), else
/// one started here, in memory, on free ports. <see cref="StartOwnAsync"/>
/// starts one that keeps its data on disk and can be stopped and started
/// again, as a storage service that goes down and comes back.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account; the key is public.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string[] _arguments;
    private readonly int _tablePort;
    private ServerProcess? _process;

    private Azurite(string connectionString, string[] arguments, int tablePort)
    {
        ConnectionString = connectionString;
        _arguments = arguments;
        _tablePort = tablePort;
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
            return new Azurite(ConnectionStringFor(int.Parse(ports[0]), int.Parse(ports[1])), [], 0);
        }
        return await StartOwnAsync(null);
    }

    /// <summary>An Azurite of the caller's own, in memory or keeping its data in <paramref name="location"/>.</summary>
    public static async Task<Azurite> StartOwnAsync(string? location)
    {
        var (blob, queue, table) = (FreePorts.Lease(), FreePorts.Lease(), FreePorts.Lease());
        string[] persistence = location is null ? ["--inMemoryPersistence"] : ["--location", location];
        var azurite = new Azurite(ConnectionStringFor(blob.Port, table.Port),
            [.. persistence, "--blobHost", "127.0.0.1", "--blobPort", blob.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queue.ToString(),
             "--tableHost", "127.0.0.1", "--tablePort", table.ToString(), "--skipApiVersionCheck", "--silent"], table.Port);
        azurite._process = await ServerProcess.StartAsync(await NodeTools.BinAsync("azurite"), azurite._arguments, table.Port, blob, queue, table);
        return azurite;
    }

    /// <summary>Stops the service (SIGTERM, so it writes its data out); connections to it are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null) throw new InvalidOperationException("only an Azurite of the test's own can be stopped");
        await _process.StopAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts a stopped Azurite again, on the same ports and data.</summary>
    public async Task RestartAsync() =>
        _process = await ServerProcess.StartAsync(await NodeTools.BinAsync("azurite"), _arguments, _tablePort);

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

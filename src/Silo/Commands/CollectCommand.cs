using System.Globalization;
using Nixery.Collection;
using Nixery.Configuration;
using Nixery.Frontend.Hosting;

namespace Nixery.Silo.Commands;

/// <summary>
/// <c>Nixery.Silo gc [--dry-run] [--retention-days N | --unused-before TIME] [--grace-minutes N]</c>:
/// asks the running registry (as an Orleans client, with the same
/// configuration) for one garbage collection and prints what it did.
/// </summary>
public static class CollectCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, string[] arguments)
    {
        var options = configuration.GetSection("Nixery:Collection").Get<CollectionOptions>() ?? new CollectionOptions();
        var unusedBefore = DateTimeOffset.UtcNow - options.Retention;
        var grace = options.Grace;
        var dryRun = false;
        for (var i = 0; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--retention-days" when i + 1 < arguments.Length:
                    unusedBefore = DateTimeOffset.UtcNow - TimeSpan.FromDays(double.Parse(arguments[++i], CultureInfo.InvariantCulture));
                    break;
                case "--unused-before" when i + 1 < arguments.Length:
                    unusedBefore = DateTimeOffset.Parse(arguments[++i], CultureInfo.InvariantCulture);
                    break;
                case "--grace-minutes" when i + 1 < arguments.Length:
                    grace = TimeSpan.FromMinutes(double.Parse(arguments[++i], CultureInfo.InvariantCulture));
                    break;
                default:
                    Console.Error.WriteLine($"nixery: gc: unknown argument '{arguments[i]}'; usage: gc [--dry-run] [--retention-days N | --unused-before TIME] [--grace-minutes N]");
                    return 2;
            }
        }

        var cluster = RegistryHost.Cluster(configuration);
        var host = Host.CreateApplicationBuilder();
        host.Logging.SetMinimumLevel(LogLevel.Warning);
        host.UseOrleansClient(client => client.UseNixeryCluster(cluster));
        using var app = host.Build();
        using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await app.StartAsync(connect.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("nixery: gc: no registry silo answered within 30 s; is the registry running with this configuration?");
            return 1;
        }
        var report = await app.Services.GetRequiredService<IGrainFactory>().GetGrain<IGarbageCollectorGrain>(0)
            .Collect(new CollectionRequest(unusedBefore, grace, dryRun));
        Console.WriteLine(report);
        await app.StopAsync();
        return 0;
    }
}

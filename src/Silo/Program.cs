using Nixery.Configuration;
using Nixery.Frontend;
using Nixery.Frontend.Hosting;
using Nixery.Frontend.Web;
using Nixery.Layering;
using Nixery.Silo.Commands;
using Nixery.Silo.Hosting;

// A silo co-hosting the registry's HTTP frontend: the whole registry in one
// process, or one of many silos of a cluster.
var builder = RegistryHost.CreateBuilder(args);
if (!RegistryHost.ConfigurationIsValid(builder.Configuration, needsSource: true)) return 2;

if (args is ["gc", .. var collectArguments])
    return await CollectCommand.RunAsync(builder.Configuration, collectArguments);
if (args is ["popularity", ..])
    return await PopularityCommand.RunAsync(PopularityCommand.Services(builder.Configuration), args.Length > 1 ? args[1] : null, CancellationToken.None);

var layering = builder.Configuration.GetSection("Nixery:Layering").Get<LayeringOptions>() ?? new LayeringOptions();
PopularitySource popularity;
try
{
    using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    popularity = await PopularitySource.LoadAsync(layering, http, CancellationToken.None);
}
catch (Exception e) when (e is IOException or HttpRequestException or InvalidDataException or TaskCanceledException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"nixery: configuration error: popularity data could not be loaded: {e.Message}");
    return 2;
}

var cluster = RegistryHost.Cluster(builder.Configuration);
if (!await RegistryHost.ClusterAcceptsCredentialsAsync(cluster, grainState: true)) return 2;
RegistryHost.ListenOnConfiguredPort(builder);
builder.AddNixeryObservability();
builder.Services
    .AddNixeryStorage(builder.Configuration)
    .AddNixeryAccess(builder.Configuration)
    .AddNixeryPipeline(builder.Configuration, popularity)
    .AddRegistryFrontend()
    .AddWebPages(builder.Configuration);
builder.UseOrleans(silo => silo.UseNixeryCluster(cluster));
builder.Services.AddHostedService<ScheduledCollection>();

var app = builder.Build();
app.UseRegistry();
app.MapNixeryObservability();
app.MapWebPages();
await app.RunAsync();
return 0;

using Nixery.Configuration;
using Nixery.Frontend;

// A frontend on its own: the registry's HTTP API as an Orleans client of the
// silos, so the HTTP tier scales apart from the builders.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddNixeryEnvironment();

var problems = ConfigurationCheck.Problems(builder.Configuration, needsSource: false);
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine($"nixery: configuration error: {problem}");
    return 2;
}

var cluster = builder.Configuration.GetSection("Nixery:Cluster").Get<NixeryClusterOptions>() ?? new NixeryClusterOptions();
var port = builder.Configuration.GetValue("Nixery:Port", 8080);
builder.WebHost.UseUrls($"http://0.0.0.0:{port}");

builder.Services.AddNixeryStorage(builder.Configuration).AddRegistryFrontend();
builder.UseOrleansClient(client =>
    client.UseLocalhostClustering(cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId));

var app = builder.Build();
app.MapRegistry();
await app.RunAsync();
return 0;

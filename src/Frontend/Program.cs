using Nixery.Configuration;
using Nixery.Frontend;
using Nixery.Frontend.Hosting;

// A frontend on its own: the registry's HTTP API as an Orleans client of the
// silos, so the HTTP tier scales apart from the builders. Blobs are served
// from the shared storage backend directly.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddNixeryEnvironment();

var problems = ConfigurationCheck.Problems(builder.Configuration, needsSource: false);
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine($"nixery: configuration error: {problem}");
    return 2;
}

var cluster = builder.Configuration.GetSection("Nixery:Cluster").Get<NixeryClusterOptions>() ?? new NixeryClusterOptions();
builder.WebHost.UseUrls($"http://0.0.0.0:{builder.Configuration.GetValue("Nixery:Port", 8080)}");
// The Orleans client keeps retrying until a gateway answers; starting the
// hosted services together lets HTTP (and /healthz) come up meanwhile, with
// /readyz and registry calls reporting the cluster as unavailable.
builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
builder.AddNixeryObservability();
builder.Services.AddNixeryStorage(builder.Configuration).AddRegistryFrontend();
builder.UseOrleansClient(client => client.UseNixeryCluster(cluster));

var app = builder.Build();
app.MapNixeryObservability();
app.MapRegistry();
await app.RunAsync();
return 0;

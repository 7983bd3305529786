using Nixery.Configuration;
using Nixery.Frontend;
using Nixery.Frontend.Hosting;
using Nixery.Frontend.Web;

// A frontend on its own: the registry's HTTP API as an Orleans client of the
// silos, so the HTTP tier scales apart from the builders. Blobs are served
// from the shared storage backend directly.
var builder = RegistryHost.CreateBuilder(args);
if (!RegistryHost.ConfigurationIsValid(builder.Configuration, needsSource: false)) return 2;

var cluster = RegistryHost.Cluster(builder.Configuration);
if (!await RegistryHost.ClusterAcceptsCredentialsAsync(cluster, grainState: false)) return 2;
RegistryHost.ListenOnConfiguredPort(builder);
// The Orleans client keeps retrying until a gateway answers; starting the
// hosted services together lets HTTP (and /healthz) come up meanwhile, with
// /readyz and registry calls reporting the cluster as unavailable.
builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
builder.AddNixeryObservability();
builder.Services.AddNixeryStorage(builder.Configuration).AddNixeryAccess(builder.Configuration).AddRegistryFrontend().AddWebPages(builder.Configuration);
builder.UseOrleansClient(client => client.UseNixeryCluster(cluster));

var app = builder.Build();
app.UseRegistry();
app.MapNixeryObservability();
app.MapWebPages();
await app.RunAsync();
return 0;

using Nixery.Bench.Scale;
using Nixery.Configuration;
using Nixery.Frontend;
using Nixery.Frontend.Hosting;
using Nixery.Layering;
using Nixery.Nix;
using Nixery.Silo.Hosting;
using Nixery.Sources;

// bench/serve's SCALE images, made cheaply and for real: the registry's silo
// and HTTP API as src/Silo/Program.cs hosts them, with one difference: Nix
// is asked once per package (PerPackageClosures), so each further image costs
// layering, the customisation layer, manifests and grain state, not a Nix
// evaluation. The registry that bench/serve measures is then the real one,
// started on the storage this process wrote.
var builder = RegistryHost.CreateBuilder(args);
if (!RegistryHost.ConfigurationIsValid(builder.Configuration, needsSource: true)) return 2;
var layering = builder.Configuration.GetSection("Nixery:Layering").Get<LayeringOptions>() ?? new LayeringOptions();
using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
{
    var popularity = await PopularitySource.LoadAsync(layering, http, CancellationToken.None);
    RegistryHost.ListenOnConfiguredPort(builder);
    builder.Services
        .AddNixeryStorage(builder.Configuration)
        .AddNixeryAccess(builder.Configuration)
        .AddNixeryPipeline(builder.Configuration, popularity)
        .AddRegistryFrontend();
}
builder.Services.AddSingleton<IClosureBuilder>(sp =>
    new PerPackageClosures(new SiloClosureBuilder(sp.GetRequiredService<RevisionImports>(), sp.GetRequiredService<NixBuilder>())));
builder.UseOrleans(silo => silo.UseNixeryCluster(RegistryHost.Cluster(builder.Configuration)));

var app = builder.Build();
app.UseRegistry();
await app.RunAsync();
return 0;

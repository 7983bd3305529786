using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nixery.Metrics;
using Nixery.Storage;
using OpenTelemetry.Metrics;

namespace Nixery.Frontend.Hosting;

/// <summary>
/// What operators watch, the same in silos and frontends: /metrics in
/// Prometheus format (the registry's meter, Orleans', ASP.NET Core's),
/// /healthz and /readyz for Kubernetes probes, and logs as text or one JSON
/// object per line carrying the image key of the build they belong to.
/// </summary>
public static class Observability
{
    public static WebApplicationBuilder AddNixeryObservability(this WebApplicationBuilder builder)
    {
        if (RegistryHost.Registry(builder.Configuration).JsonLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        builder.Services.AddSingleton<RegistryWarmup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RegistryWarmup>());
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RegistryMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointRouteBuilder MapNixeryObservability(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", ReadyAsync);
        return app;
    }

    /// <summary>Ready when the process has warmed up (see <see cref="RegistryWarmup"/>), a silo of the cluster answers and the storage backend can be read.</summary>
    private static async Task<IResult> ReadyAsync(IGrainFactory grains, IBlobStore store, RegistryWarmup warmup, CancellationToken cancellation)
    {
        if (!warmup.IsComplete) return Unready("warming up");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(limit.Token);
            if (silos.Count == 0) return Unready("no active silo");
            await store.ReadDocumentAsync("health/probe", limit.Token);
            return Results.Text($"ready: {silos.Count} silo(s)\n");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            return Unready(e.Message);
        }
    }

    private static IResult Unready(string reason) => Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Catalogue;
using Nixery.Collection;
using Nixery.Images;
using Nixery.Layering;
using Nixery.Metrics;
using Nixery.Naming;
using Nixery.Nix;
using Nixery.Processes;
using Nixery.Sources;
using Nixery.Storage;

namespace Nixery.Configuration;

/// <summary>The registry's services, registered from the bound configuration.</summary>
public static class NixeryServices
{
    /// <summary>Storage only: what a frontend needs to serve blobs.</summary>
    public static IServiceCollection AddNixeryStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.TryAddSingleton<RegistryMetrics>();
        services.Configure<StorageOptions>(configuration.GetSection("Nixery:Storage"));
        services.AddSingleton<IBlobStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Backend.ToLowerInvariant() switch
            {
                StorageOptions.FileSystem => new FileSystemBlobStore(options.Path),
                "gcs" => new ServiceFailureBoundary(new GcsBlobStore(options.Gcs, options.Delivery), "gcs"),
                "azure" => new ServiceFailureBoundary(new AzureBlobStore(options.Azure, options.Delivery), "azure"),
                "s3" => new ServiceFailureBoundary(new S3BlobStore(options.S3, options.Delivery), "s3"),
                var other => throw new InvalidOperationException($"NIXERY_STORAGE_BACKEND: '{other}' is not supported"),
            };
        });
        return services;
    }

    /// <summary>Token authentication settings, for every process that answers the registry API.</summary>
    public static IServiceCollection AddNixeryAccess(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<Access.AuthOptions>(configuration.GetSection("Nixery:Auth"));

    /// <summary>The build pipeline: what a silo needs to build images.</summary>
    public static IServiceCollection AddNixeryPipeline(this IServiceCollection services, IConfiguration configuration, PopularitySource popularity)
    {
        services.Configure<NixOptions>(configuration.GetSection("Nixery:Nix"));
        services.PostConfigure<NixOptions>(options =>
        {
            if (string.IsNullOrWhiteSpace(options.GcRootsPath))
            {
                var storagePath = configuration["Nixery:Storage:Path"];
                options.GcRootsPath = string.IsNullOrWhiteSpace(storagePath)
                    ? Path.Combine(Path.GetTempPath(), "nixery", "gcroots")
                    : Path.Combine(storagePath, "gcroots");
            }
            options.GcRootsPath = Path.GetFullPath(options.GcRootsPath);
        });
        services.Configure<SourceOptions>(configuration.GetSection("Nixery:Source"));
        services.Configure<LayeringOptions>(configuration.GetSection("Nixery:Layering"));
        services.Configure<BuildPolicy>(configuration.GetSection("Nixery:Build"));
        services.Configure<CollectionOptions>(configuration.GetSection("Nixery:Collection"));
        services.Configure<NamingOptions>(options =>
        {
            options.ShellPackages = ListOr(configuration.GetSection("Nixery:Naming:ShellPackages"), options.ShellPackages);
            options.DefaultPackages = ListOr(configuration.GetSection("Nixery:Naming:DefaultPackages"), options.DefaultPackages);
            options.MaxPackages = configuration.GetValue("Nixery:Naming:MaxPackages", options.MaxPackages);
        });

        services.AddSingleton(TimeProvider.System);
        // Time limits of programs on the real clock, whatever clock the rest of the silo is given.
        services.AddSingleton(sp => new CommandRunner(sp.GetRequiredService<ILogger<CommandRunner>>()));
        services.AddSingleton<NixBuilder>();
        services.AddSingleton<IClosureBuilder, SiloClosureBuilder>();
        services.AddSingleton<BuildSlots>();
        services.AddSingleton(sp => new ImageNameParser(sp.GetRequiredService<IOptions<NamingOptions>>().Value));
        services.AddSingleton<SourceStoreBudget>();
        services.AddSingleton<SourceImporter>();
        services.AddSingleton<IPackageSource>(sp =>
        {
            var source = sp.GetRequiredService<IOptions<SourceOptions>>().Value;
            if (!string.IsNullOrWhiteSpace(source.Channel))
            {
                // Timeouts are the fetcher's (NIXERY_SOURCE_TIMEOUT), not HttpClient's 100 s.
                var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                return ActivatorUtilities.CreateInstance<ChannelPackageSource>(sp, http);
            }
            if (!string.IsNullOrWhiteSpace(source.Repository)) return ActivatorUtilities.CreateInstance<GitPackageSource>(sp);
            return ActivatorUtilities.CreateInstance<PathPackageSource>(sp);
        });
        services.AddSingleton<RevisionImports>();
        services.AddSingleton(popularity);
        services.AddSingleton(sp => new LayeringStrategies().Resolve(sp.GetRequiredService<IOptions<LayeringOptions>>().Value.Strategy));
        services.AddSingleton<ImageRecipe>();
        services.AddSingleton<LayerPublisher>();
        services.AddSingleton<ImageIndex>();
        services.AddSingleton<BlobLeases>();
        services.AddSingleton<BlobSweeper>();
        services.AddSingleton<ImageBuilder>();
        services.AddSingleton<CatalogueSource>();
        return services;
    }

    /// <summary>
    /// Lists are read by hand: the configuration binder appends to a list
    /// that already holds defaults instead of replacing it.
    /// </summary>
    private static List<string> ListOr(IConfigurationSection section, List<string> defaults)
    {
        if (!section.Exists()) return defaults;
        var items = section.GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList();
        if (items.Count == 0 && !string.IsNullOrEmpty(section.Value))
            items = section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return items;
    }
}

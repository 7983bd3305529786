using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Nixery.Configuration;

namespace Nixery.Frontend.Hosting;

/// <summary>What every executable of the registry does before hosting: the same configuration, checked the same way.</summary>
public static class RegistryHost
{
    /// <summary>
    /// A builder with the registry's environment variables over appsettings.json,
    /// read from the install directory whatever the working directory.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddNixeryEnvironment();
        return builder;
    }

    /// <summary>Prints every configuration problem, naming its variable; true when there is none.</summary>
    public static bool ConfigurationIsValid(IConfiguration configuration, bool needsSource)
    {
        var problems = ConfigurationCheck.Problems(configuration, needsSource);
        foreach (var problem in problems) Console.Error.WriteLine($"nixery: configuration error: {problem}");
        return problems.Count == 0;
    }

    /// <summary>Prints why the membership or state store refuses this process, if it does; true when it does not.</summary>
    public static async Task<bool> ClusterAcceptsCredentialsAsync(NixeryClusterOptions cluster, bool grainState)
    {
        if (await ClusterMembership.RedisCredentialProblemAsync(cluster, grainState) is not { } problem) return true;
        Console.Error.WriteLine($"nixery: configuration error: {problem}");
        return false;
    }

    public static NixeryClusterOptions Cluster(IConfiguration configuration) =>
        configuration.GetSection("Nixery:Cluster").Get<NixeryClusterOptions>() ?? new NixeryClusterOptions();

    /// <summary>The registry API on every interface at <c>PORT</c>.</summary>
    public static void ListenOnConfiguredPort(WebApplicationBuilder builder) =>
        builder.WebHost.UseUrls($"http://0.0.0.0:{Registry(builder.Configuration).Port}");

    public static RegistryOptions Registry(IConfiguration configuration) =>
        configuration.GetSection(EnvironmentVariables.Section).Get<RegistryOptions>() ?? new RegistryOptions();
}

using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Nixery.Configuration;

public static class NixeryConfiguration
{
    /// <summary>
    /// Adds the registry's environment variables (Nixery's names) on top of
    /// the sources already present, so they override appsettings.json.
    /// </summary>
    public static IConfigurationBuilder AddNixeryEnvironment(this IConfigurationBuilder builder, IDictionary? environment = null)
    {
        var variables = (environment ?? Environment.GetEnvironmentVariables())
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
        return builder.AddInMemoryCollection(EnvironmentVariables.ToConfiguration(variables));
    }
}

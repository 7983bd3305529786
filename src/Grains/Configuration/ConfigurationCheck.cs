using Microsoft.Extensions.Configuration;
using Nixery.Storage;

namespace Nixery.Configuration;

/// <summary>
/// Validates the whole configuration before anything starts, so that a
/// mistake stops start-up with a message naming the variable instead of
/// failing on the first pull.
/// </summary>
public static class ConfigurationCheck
{
    public static IReadOnlyList<string> Problems(IConfiguration configuration, bool needsSource = true)
    {
        var problems = new List<string>();
        foreach (var variable in EnvironmentVariables.All.Where(v => !v.IsList))
        {
            var value = configuration[variable.Key];
            if (value is null) continue;
            if (variable.Check(value) is { } problem) problems.Add($"{variable.Name}: {problem}");
        }

        var storage = EnvironmentVariables.Current(configuration, "NIXERY_STORAGE_BACKEND")!;
        if (storage.Equals(StorageOptions.FileSystem, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(configuration["Nixery:Storage:Path"]))
            problems.Add("STORAGE_PATH: must be set for NIXERY_STORAGE_BACKEND=filesystem");
        problems.AddRange(ObjectStorageProblems(configuration, storage.ToLowerInvariant()));

        if (needsSource) problems.AddRange(SourceProblems(configuration));

        problems.AddRange(ClusterProblems(configuration));
        problems.AddRange(AuthProblems(configuration));

        if (double.TryParse(EnvironmentVariables.Current(configuration, "NIXERY_GC_GRACE"), System.Globalization.CultureInfo.InvariantCulture, out var grace)
            && int.TryParse(EnvironmentVariables.Current(configuration, "NIXERY_BUILD_TIMEOUT"), out var buildTimeout)
            && grace * 60 <= buildTimeout)
            problems.Add($"NIXERY_GC_GRACE: {grace} minutes is not longer than NIXERY_BUILD_TIMEOUT ({buildTimeout} s): a collection could take the blobs of a build under way");

        if (!string.IsNullOrEmpty(configuration["Nixery:Layering:PopularityUrl"]) && !string.IsNullOrEmpty(configuration["Nixery:Layering:PopularityFile"]))
            problems.Add("NIX_POPULARITY_URL: set either it or NIXERY_POPULARITY_FILE, not both");
        return problems;
    }

    private static IEnumerable<string> ObjectStorageProblems(IConfiguration configuration, string backend)
    {
        string? Missing(string variable) =>
            string.IsNullOrWhiteSpace(configuration[EnvironmentVariables.Named(variable).Key]) ? $"{variable}: must be set for NIXERY_STORAGE_BACKEND={backend}" : null;

        var problem = backend switch
        {
            "gcs" => Missing("GCS_BUCKET"),
            "s3" => Missing("S3_BUCKET"),
            "azure" => Missing("NIXERY_AZURE_CONNECTION_STRING") ?? AzureConnectionStringProblem(configuration["Nixery:Storage:Azure:ConnectionString"]!),
            _ => null,
        };
        if (problem is not null) yield return problem;
    }

    private static string? AzureConnectionStringProblem(string connectionString)
    {
        try
        {
            _ = new Azure.Storage.Blobs.BlobServiceClient(connectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return "NIXERY_AZURE_CONNECTION_STRING: is not an Azure Storage connection string";
        }
    }

    /// <summary>The files authentication reads are read now, so a bad entry stops start-up instead of locking everyone out.</summary>
    private static IEnumerable<string> AuthProblems(IConfiguration configuration)
    {
        var options = configuration.GetSection("Nixery:Auth").Get<Access.AuthOptions>() ?? new Access.AuthOptions();
        var problems = new List<string>();
        void Check(string variable, string path, Action<string> read)
        {
            if (string.IsNullOrWhiteSpace(path) || !File.Exists(path)) return;
            try
            {
                read(path);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                problems.Add($"{variable}: {e.Message}");
            }
        }
        Check("NIXERY_AUTH_HTPASSWD", options.HtpasswdFile, path => Access.Htpasswd.Load(path));
        Check("NIXERY_AUTH_POLICY", options.PolicyFile, path => Access.AccessPolicy.Load(path));
        Check("NIXERY_AUTH_KEY_FILE", options.KeyFile, path => Access.SigningKey.FromPem(File.ReadAllText(path)).Dispose());
        if (!options.Enabled)
        {
            foreach (var variable in new[] { "NIXERY_AUTH_POLICY", "NIXERY_AUTH_KEY_FILE" })
                if (!string.IsNullOrWhiteSpace(configuration[EnvironmentVariables.Named(variable).Key]))
                    problems.Add($"{variable}: has no effect without NIXERY_AUTH_HTPASSWD, which turns authentication on");
        }
        return problems;
    }

    private static IEnumerable<string> ClusterProblems(IConfiguration configuration)
    {
        var clustering = EnvironmentVariables.Current(configuration, "NIXERY_CLUSTERING")!;
        var connection = configuration["Nixery:Cluster:Connection"];
        if (!clustering.Equals(ClusterProviders.Localhost, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(connection))
            yield return $"NIXERY_CLUSTERING_CONNECTION: must be set for NIXERY_CLUSTERING={clustering}";
        var state = EnvironmentVariables.Current(configuration, "NIXERY_GRAIN_STORAGE")!;
        var stateConnection = configuration["Nixery:Cluster:GrainStorageConnection"];
        if (!state.Equals(ClusterProviders.StorageBackend, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrWhiteSpace(stateConnection) && string.IsNullOrWhiteSpace(connection))
            yield return $"NIXERY_GRAIN_STORAGE_CONNECTION: must be set for NIXERY_GRAIN_STORAGE={state} (or NIXERY_CLUSTERING_CONNECTION)";
    }

    private static IEnumerable<string> SourceProblems(IConfiguration configuration)
    {
        var set = new[] { "NIXERY_CHANNEL", "NIXERY_PKGS_REPO", "NIXERY_PKGS_PATH" }
            .Where(name => !string.IsNullOrWhiteSpace(configuration[EnvironmentVariables.Named(name).Key]))
            .ToArray();
        if (set.Length == 0)
            yield return "NIXERY_PKGS_PATH: no package source is configured; set one of NIXERY_PKGS_PATH, NIXERY_PKGS_REPO or NIXERY_CHANNEL";
        else if (set.Length > 1)
            yield return $"{set[0]}: only one package source may be set, but {string.Join(" and ", set)} are";
        if (configuration["Nixery:Source:Channel"] is { Length: > 0 } channel && !Naming.DistributionGrammar.IsValidTag(channel))
            yield return $"NIXERY_CHANNEL: '{channel}' is not a channel name or commit";
    }
}

namespace Nixery.Configuration;

/// <summary>What every registry process reads before anything else (section <c>Nixery</c>).</summary>
public sealed class RegistryOptions
{
    /// <summary><c>PORT</c>: the registry's HTTP API, on all interfaces.</summary>
    public int Port { get; set; } = 8080;

    /// <summary><c>NIXERY_LOG_FORMAT</c>: <c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary><c>NIXERY_COLD_BUILDS_PER_CLIENT</c>: builds one client address may start per minute; 0: no limit.</summary>
    public int ColdBuildsPerClient { get; set; } = 120;

    public bool JsonLogs => LogFormat.Equals("json", StringComparison.OrdinalIgnoreCase);
}

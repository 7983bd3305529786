namespace Nixery.Configuration;

/// <summary>
/// One environment variable the registry reads: its name (Nixery's where
/// Nixery has one), the configuration key it sets (also settable in
/// appsettings.json), what it means, and how its value is checked at start.
/// </summary>
public sealed record EnvironmentVariable(
    string Name,
    string Key,
    string Default,
    string Description,
    Func<string, string?> Check,
    bool IsList = false);

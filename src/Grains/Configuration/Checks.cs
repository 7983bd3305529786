namespace Nixery.Configuration;

/// <summary>Checks of configuration values; each returns a problem in words, or null.</summary>
public static class Checks
{
    public static string? Any(string value) => null;

    public static string? Port(string value) =>
        int.TryParse(value, out var port) && port is > 0 and < 65536 ? null : $"'{value}' is not a port number (1-65535)";

    public static string? PositiveInteger(string value) =>
        int.TryParse(value, out var n) && n > 0 ? null : $"'{value}' is not a positive whole number";

    public static string? NonNegativeInteger(string value) =>
        int.TryParse(value, out var n) && n >= 0 ? null : $"'{value}' is not a whole number ≥ 0";

    public static string? NonNegativeNumber(string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 0
            ? null
            : $"'{value}' is not a number ≥ 0";

    public static Func<string, string?> IntegerBetween(int min, int max) => value =>
        int.TryParse(value, out var n) && n >= min && n <= max ? null : $"'{value}' is not a whole number from {min} to {max}";

    public static Func<string, string?> OneOf(params string[] allowed) => value =>
        allowed.Contains(value, StringComparer.OrdinalIgnoreCase) ? null : $"'{value}' is not supported (supported: {string.Join(", ", allowed)})";

    public static string? Boolean(string value) =>
        bool.TryParse(value, out _) ? null : $"'{value}' is not true or false";

    public static string? ExistingPath(string value) =>
        value.Length == 0 || Directory.Exists(value) || File.Exists(value) ? null : $"'{value}' does not exist";

    public static string? ExistingFile(string value) =>
        value.Length == 0 || File.Exists(value) ? null : $"'{value}' is not a file";

    public static string? IpAddress(string value) =>
        value.Length == 0 || System.Net.IPAddress.TryParse(value, out _) ? null : $"'{value}' is not an IP address";

    public static string? HttpUrl(string value) =>
        value.Length == 0 || Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? null
            : $"'{value}' is not an http(s) URL";
}

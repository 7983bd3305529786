using System.Globalization;
using System.Text.RegularExpressions;

namespace Nixery.EndToEnd.Tests.Support;

/// <summary>Reads one series from a process's /metrics (Prometheus text format), summed over its labels.</summary>
public static partial class MetricsScrape
{
    public static async Task<double> SumAsync(HttpClient http, string series, string? labelFilter = null)
    {
        var text = await http.GetStringAsync("/metrics");
        return Series().Matches(text)
            .Where(m => m.Groups["name"].Value == series && (labelFilter is null || m.Groups["labels"].Value.Contains(labelFilter, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})? (?<value>[0-9.eE+-]+|NaN)(?: \d+)?$", RegexOptions.Multiline)]
    private static partial Regex Series();
}

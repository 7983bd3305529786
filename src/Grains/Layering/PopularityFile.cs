using System.Text.Json;

namespace Nixery.Layering;

/// <summary>
/// Nixery's popularity file (what <c>NIX_POPULARITY_URL</c> serves and
/// <c>popcount</c> writes): one flat JSON object mapping store path names
/// (<c>name-version</c>, no hash) to reference counts, e.g.
/// <c>{"glibc-2.40-66": 301234, "zlib-1.3.1": 40211}</c>.
/// </summary>
public static class PopularityFile
{
    public static Popularity Parse(string json)
    {
        try
        {
            return FromCounts(JsonSerializer.Deserialize<Dictionary<string, long>>(json));
        }
        catch (JsonException e)
        {
            throw Invalid(e);
        }
    }

    public static async Task<Popularity> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            return FromCounts(await JsonSerializer.DeserializeAsync<Dictionary<string, long>>(stream, cancellationToken: cancellationToken));
        }
        catch (JsonException e)
        {
            throw Invalid(e);
        }
    }

    /// <summary>Names in ordinal order, as Go's encoder writes maps, so equal data gives equal bytes.</summary>
    public static string Format(Popularity popularity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, popularity);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static async Task WriteAsync(Stream stream, Popularity popularity, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(stream);
        Write(writer, popularity);
        await writer.FlushAsync(cancellationToken);
    }

    private static void Write(Utf8JsonWriter writer, Popularity popularity)
    {
        writer.WriteStartObject();
        foreach (var (name, count) in popularity.Counts.OrderBy(e => e.Key, StringComparer.Ordinal))
            writer.WriteNumber(name, count);
        writer.WriteEndObject();
    }

    private static Popularity FromCounts(Dictionary<string, long>? counts) =>
        counts is null ? throw new FormatException("a popularity file must be a JSON object of name → count, not null") : new Popularity(counts);

    private static FormatException Invalid(JsonException e) =>
        new($"a popularity file must be a JSON object of name → integer count: {e.Message}", e);
}

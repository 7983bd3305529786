using System.Security.Cryptography;

namespace Nixery.Layering;

/// <summary>
/// The popularity data the registry runs with, loaded once at start from a
/// file or URL (both optional), and a fingerprint of it for image keys: other
/// data may group layers differently, so it must give other images.
/// </summary>
public sealed class PopularitySource
{
    public PopularitySource(Popularity popularity)
    {
        Popularity = popularity;
        Fingerprint = popularity.IsEmpty ? "none" : Hash(popularity);
    }

    public Popularity Popularity { get; }

    public string Fingerprint { get; }

    public static async Task<PopularitySource> LoadAsync(LayeringOptions options, HttpClient http, CancellationToken cancellation)
    {
        if (options.PopularityFile is { } file)
        {
            await using var stream = File.OpenRead(file);
            return new PopularitySource(await ReadAsync(stream, $"NIXERY_POPULARITY_FILE ({file})", cancellation));
        }
        if (options.PopularityUrl is { } url)
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (!response.IsSuccessStatusCode)
                throw new InvalidDataException($"NIX_POPULARITY_URL: {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
            return new PopularitySource(await ReadAsync(stream, $"NIX_POPULARITY_URL ({url})", cancellation));
        }
        return new PopularitySource(Popularity.None);
    }

    private static async Task<Popularity> ReadAsync(Stream stream, string origin, CancellationToken cancellation)
    {
        try
        {
            return await PopularityFile.ReadAsync(stream, cancellation);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{origin} is not popularity data in Nixery's format {{\"name-version\": count}}: {e.Message}", e);
        }
    }

    private static string Hash(Popularity popularity)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, count) in popularity.Counts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}\0{count}\n"));
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash())[..16];
    }
}

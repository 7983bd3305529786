namespace Nixery.Sources;

/// <summary>Where fetched sources are kept between requests.</summary>
public static class SourceCache
{
    public static string Directory(SourceOptions options)
    {
        var path = string.IsNullOrWhiteSpace(options.CachePath)
            ? Path.Combine(Path.GetTempPath(), "nixery", "sources")
            : options.CachePath;
        System.IO.Directory.CreateDirectory(path);
        return Path.GetFullPath(path);
    }
}

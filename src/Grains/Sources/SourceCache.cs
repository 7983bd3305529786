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

    /// <summary>
    /// Deletes what a fetch left in <paramref name="directory"/> when its
    /// process died mid-way (an export, a download, a mirror being made):
    /// entries untouched for four times the source timeout (an export runs
    /// git and tar, each bounded by it, then the import), which no fetch still
    /// running can own, whichever process on this machine shares the cache.
    /// Without this, every crash during a fetch left a package set behind.
    /// </summary>
    /// <param name="isStaging">Which entries are temporary (a mirror's staging copy, not the mirror).</param>
    public static int RemoveStale(string directory, TimeSpan timeout, DateTime utcNow, Func<string, bool>? isStaging = null)
    {
        if (!System.IO.Directory.Exists(directory)) return 0;
        var removed = 0;
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(directory))
        {
            if (isStaging is not null && !isStaging(Path.GetFileName(entry))) continue;
            if (utcNow - System.IO.Directory.GetLastWriteTimeUtc(entry) < 4 * timeout) continue;
            try
            {
                if (System.IO.Directory.Exists(entry)) System.IO.Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed or holds it; the next start tries again.
            }
        }
        return removed;
    }
}

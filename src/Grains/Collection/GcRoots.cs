namespace Nixery.Collection;

/// <summary>
/// The Nix GC roots of this silo: one directory per image under the GC roots
/// path (built closures) and <c>sources/</c> (the package set). Releasing an
/// image's roots lets Nix's own garbage collector (`nix-collect-garbage`)
/// reclaim its store paths, unless another image still holds them.
/// </summary>
public static class GcRoots
{
    public const string SourcesFolder = "sources";

    public static bool Release(string gcRootsPath, string imageKey)
    {
        var directory = Path.Combine(gcRootsPath, Images.GrainKeyGuard.Require(imageKey));
        if (!Directory.Exists(directory)) return false;
        Directory.Delete(directory, recursive: true);
        return true;
    }

    /// <summary>Releases the roots of images that are no longer kept and are older than the grace period.</summary>
    public static int ReleaseUnkept(string gcRootsPath, IReadOnlySet<string> keptImages, DateTimeOffset now, TimeSpan grace)
    {
        if (!Directory.Exists(gcRootsPath)) return 0;
        var released = 0;
        foreach (var directory in Directory.EnumerateDirectories(gcRootsPath))
        {
            var key = Path.GetFileName(directory);
            if (!Images.GrainKeyGuard.IsWellFormed(key) || keptImages.Contains(key)) continue;
            if (now - Directory.GetLastWriteTimeUtc(directory) < grace) continue;
            Directory.Delete(directory, recursive: true);
            released++;
        }
        return released;
    }
}

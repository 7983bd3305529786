using Nixery.Sources;
using Nixery.Tests.Support;

namespace Nixery.Tests.Sources;

/// <summary>What a fetch left behind when its process died is removed; nothing a fetch may still own is, and no mirror.</summary>
public class SourceCacheTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly DateTime Now = DateTime.UtcNow;

    private static string Entry(TemporaryDirectory cache, string name, TimeSpan age, bool directory = true)
    {
        var path = cache.Combine(name);
        if (directory) Directory.CreateDirectory(Path.Combine(path, "nixpkgs"));
        else File.WriteAllText(path, "partial");
        Directory.SetLastWriteTimeUtc(path, Now - age);
        return path;
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Exports_and_downloads_untouched_for_four_source_timeouts_are_removed_younger_ones_stay()
    {
        using var exports = new TemporaryDirectory();
        var stale = Entry(exports, "0123abcd-1", TimeSpan.FromMinutes(41));
        var staleArchive = Entry(exports, "0123abcd-1.tar", TimeSpan.FromHours(5), directory: false);
        var running = Entry(exports, "4567ef01-2", TimeSpan.FromMinutes(39));

        Assert.Equal(2, SourceCache.RemoveStale(exports.Path, Timeout, Now));
        Assert.False(Path.Exists(stale) || Path.Exists(staleArchive), "a leftover stayed");
        Assert.True(Directory.Exists(running), "an export that may still run was removed");
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_mirrors_stale_staging_copy_goes_the_mirror_stays_however_old()
    {
        using var git = new TemporaryDirectory();
        var mirror = Entry(git, "5f3a9c0d11aa22bb", TimeSpan.FromDays(30));
        var staging = Entry(git, "5f3a9c0d11aa22bb.e2b1c3", TimeSpan.FromHours(1));

        Assert.Equal(1, SourceCache.RemoveStale(git.Path, Timeout, Now, name => name.Contains('.')));
        Assert.True(Directory.Exists(mirror));
        Assert.False(Directory.Exists(staging));
    }
}

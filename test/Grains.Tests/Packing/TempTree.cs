using System.Runtime.Versioning;
using System.Text;

namespace Nixery.Tests.Packing;

/// <summary>A directory tree on disk for one test, deleted afterwards.</summary>
[SupportedOSPlatform("linux")]
public sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("nixery-packing-").FullName;
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.Join(Root, relative);

    public string AddDirectory(string relative, string? octalMode = null)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(path);
        if (octalMode is not null) File.SetUnixFileMode(path, Mode(octalMode));
        return path;
    }

    public string AddFile(string relative, string content = "", string? octalMode = null) =>
        AddFile(relative, Encoding.UTF8.GetBytes(content), octalMode);

    public string AddFile(string relative, byte[] content, string? octalMode = null)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (octalMode is not null) File.SetUnixFileMode(path, Mode(octalMode));
        return path;
    }

    public string AddSymlink(string relative, string target)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    public static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    public void Dispose()
    {
        // Store-like trees are read-only; make them writable again so they can be removed.
        var all = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        File.SetUnixFileMode(Root, Mode("755"));
        foreach (var directory in Directory.EnumerateDirectories(Root, "*", all))
            File.SetUnixFileMode(directory, Mode("755"));
        Directory.Delete(Root, recursive: true);
    }
}

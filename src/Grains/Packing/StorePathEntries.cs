namespace Nixery.Packing;

/// <summary>
/// The entries of a layer made of whole store paths: each ancestor directory once
/// (<c>nix</c>, <c>nix/store</c>, as 0755), then every path's tree as it is on disk.
/// </summary>
/// <remarks>
/// Nixery emitted no directory entries, so runtimes created <c>/nix</c> and <c>/nix/store</c>
/// with their own defaults; here they are explicit. Entries come in <see cref="EntryOrder"/>,
/// and are produced lazily: a walk holds the sorted listing of each directory it is inside,
/// never the whole tree.
/// </remarks>
public static class StorePathEntries
{
    /// <summary>
    /// Describes <paramref name="paths"/> (absolute, e.g. <c>/nix/store/&lt;hash&gt;-bash-5.2</c>).
    /// A path may be a directory, a file or a symlink. A fifo, socket or device anywhere throws
    /// <see cref="NotSupportedException"/>; a store path never contains one.
    /// </summary>
    public static IEnumerable<TarEntry> Of(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var roots = paths.Select(Canonical).Distinct(StringComparer.Ordinal).Order(EntryOrder.Instance).ToList();
        return Enumerate(roots);
    }

    private static IEnumerable<TarEntry> Enumerate(IReadOnlyList<string> roots)
    {
        var ancestorsWritten = new HashSet<string>(StringComparer.Ordinal);
        string? previous = null;
        foreach (var root in roots)
        {
            // In sorted order a path inside another comes right after it, and is already written.
            if (previous is not null && root.StartsWith(previous + "/", StringComparison.Ordinal)) continue;
            previous = root;

            for (var slash = root.IndexOf('/', 1); slash > 0; slash = root.IndexOf('/', slash + 1))
            {
                var ancestor = root[1..slash];
                if (ancestorsWritten.Add(ancestor)) yield return TarEntry.Directory(ancestor, TarEntry.DirectoryMode);
            }

            foreach (var entry in Walk(root)) yield return entry;
        }
    }

    private static IEnumerable<TarEntry> Walk(string root)
    {
        var (entry, isDirectory) = Describe(root);
        yield return entry;
        if (!isDirectory) yield break;

        var open = new Stack<IEnumerator<string>>();
        open.Push(SortedListing(root));
        try
        {
            while (open.Count > 0)
            {
                var listing = open.Peek();
                if (!listing.MoveNext())
                {
                    open.Pop().Dispose();
                    continue;
                }
                (entry, isDirectory) = Describe(listing.Current);
                yield return entry;
                if (isDirectory) open.Push(SortedListing(listing.Current));
            }
        }
        finally
        {
            while (open.Count > 0) open.Pop().Dispose();
        }
    }

    private static IEnumerator<string> SortedListing(string directory)
    {
        var children = Directory.GetFileSystemEntries(directory);
        Array.Sort(children, EntryOrder.Instance);
        return ((IEnumerable<string>)children).GetEnumerator();
    }

    private static (TarEntry Entry, bool IsDirectory) Describe(string path)
    {
        var status = FileStatus.Of(path);
        var name = path[1..];
        return status.Type switch
        {
            FileStatus.FileType.Directory => (TarEntry.Directory(name, status.Mode), true),
            FileStatus.FileType.Regular => (TarEntry.File(name, status.Mode, status.Size, path), false),
            FileStatus.FileType.Symlink => (TarEntry.Symlink(name, new FileInfo(path).LinkTarget
                ?? throw new IOException($"'{path}' stopped being a symlink while it was read")), false),
            _ => throw new NotSupportedException(
                $"'{path}' is a {status.Type}; a layer can hold only directories, regular files and symlinks, as a Nix store path does"),
        };
    }

    private static string Canonical(string path)
    {
        if (!Path.IsPathFullyQualified(path)) throw new ArgumentException($"'{path}' is not an absolute path", "paths");
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (full == "/") throw new ArgumentException("the file system root cannot be packed as a store path", "paths");
        return full;
    }
}

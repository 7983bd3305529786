using System.Text;

namespace Nixery.Packing;

/// <summary>
/// The image's last layer: the requested packages joined into the image root as a symlink
/// farm, plus what a container expects to find there (<c>/tmp</c>, <c>/usr/bin/env</c>,
/// <c>/etc/passwd</c> and <c>/etc/group</c>).
/// </summary>
/// <remarks>
/// The farm follows nixpkgs buildEnv: a package's top-level directories (<c>bin</c>,
/// <c>lib</c>, <c>share</c>, …) are real directories in the root, so several packages can
/// meet there; below that, a directory only one package has becomes a single symlink to it,
/// and a directory several packages have is a real directory whose children are merged the
/// same way. Files and symlinks become absolute symlinks into the store. Where packages
/// collide, the earlier one in priority order wins the whole name, even a file over a directory.
///
/// Nixery built this layer in Nix, with a root <c>tmp</c> copied read-only (0555) from the store
/// and <c>usr/bin/env</c> taken from the host's coreutils, dangling when coreutils was not in
/// the image. Here <c>tmp</c> is 1777 and <c>usr/bin/env</c> exists only when the farm has
/// <c>bin/env</c>, pointing where that points.
/// </remarks>
public sealed class CustomisationLayer
{
    /// <summary>01777: world-writable with the sticky bit, as every Unix <c>/tmp</c> is.</summary>
    private const UnixFileMode TmpMode = (UnixFileMode)0b1_111_111_111;

    // A user database with only root and nobody, so that whoami, id, ssh and friends find the
    // ids a container usually runs as. Packages that bring their own win over these.
    private static readonly byte[] Passwd = Encoding.ASCII.GetBytes(
        "root:x:0:0:root:/root:/bin/sh\n" +
        "nobody:x:65534:65534:nobody:/var/empty:/bin/sh\n");
    private static readonly byte[] Group = Encoding.ASCII.GetBytes(
        "root:x:0:\n" +
        "nobody:x:65534:\n");

    private readonly RealDirectory _root;

    private CustomisationLayer(RealDirectory root)
    {
        _root = root;
        var entries = new List<TarEntry>();
        AddEntries(root, "", entries);
        Entries = entries;
    }

    /// <summary>Everything in the layer, in <see cref="EntryOrder"/>, ready for <see cref="LayerWriter"/>.</summary>
    public IReadOnlyList<TarEntry> Entries { get; }

    /// <param name="packageRoots">
    /// The requested packages' output store paths, highest priority first. Roots that are not
    /// directories (some store paths are a single file) contribute nothing.
    /// </param>
    public static CustomisationLayer Build(IReadOnlyList<string> packageRoots)
    {
        ArgumentNullException.ThrowIfNull(packageRoots);
        var sources = packageRoots
            .Distinct(StringComparer.Ordinal)
            .Where(root => FileStatus.Of(root).Type == FileStatus.FileType.Directory)
            .Select(root => (Source)new OnDisk(root, IsDirectory: true))
            .Append(new Generated(Skeleton()))
            .ToList();

        var root = Merge(sources, topLevel: true);

        // Scripts start with #!/usr/bin/env, which only works if env is there; added after the
        // merge so that it follows whichever package won bin/env.
        if (Find(root, "bin/env") is { Node: Link env, Below: null }
            && root.Children.GetValueOrDefault("usr") is RealDirectory usr
            && usr.Children.GetValueOrDefault("bin") is RealDirectory usrBin)
        {
            usrBin.Children.TryAdd("env", env);
        }
        return new CustomisationLayer(root);
    }

    /// <summary>Whether <paramref name="imagePath"/> (e.g. <c>etc/ssl/certs/ca-bundle.crt</c>) exists in the image.</summary>
    public bool Has(string imagePath) => Find(_root, imagePath) switch
    {
        null => false,
        { Node: Link link, Below: { } rest } => Path.Exists(Path.Join(link.Target, rest)),
        _ => true,
    };

    /// <summary>
    /// The store path <paramref name="imagePath"/> leads to through the farm (e.g. <c>bin/bash</c>
    /// → <c>/nix/store/…-bash-interactive-5.2/bin/bash</c>); null if it does not exist or is not
    /// behind a farm symlink (a real directory of the farm, or a generated file).
    /// </summary>
    public string? Resolve(string imagePath) => Find(_root, imagePath) switch
    {
        { Node: Link link, Below: null } => link.Target,
        { Node: Link link, Below: { } rest } when Path.Exists(Path.Join(link.Target, rest)) => link.Target + "/" + rest,
        _ => null,
    };

    private static RealDirectory Skeleton()
    {
        var root = new RealDirectory(TarEntry.DirectoryMode);
        root.Children["tmp"] = new RealDirectory(TmpMode);
        var usr = new RealDirectory(TarEntry.DirectoryMode);
        usr.Children["bin"] = new RealDirectory(TarEntry.DirectoryMode);
        root.Children["usr"] = usr;
        var etc = new RealDirectory(TarEntry.DirectoryMode);
        etc.Children["passwd"] = new GeneratedFile(Passwd);
        etc.Children["group"] = new GeneratedFile(Group);
        root.Children["etc"] = etc;
        return root;
    }

    /// <summary>Merges directories given in priority order into one real directory.</summary>
    private static RealDirectory Merge(IReadOnlyList<Source> directories, bool topLevel)
    {
        // A generated directory (only ever last) decides the mode, so tmp stays 1777.
        var mode = directories.OfType<Generated>().Select(g => ((RealDirectory)g.Node).Mode).FirstOrDefault(TarEntry.DirectoryMode);
        var merged = new RealDirectory(mode);

        var candidates = new Dictionary<string, List<Source>>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            foreach (var (name, child) in Children(directory))
            {
                if (!candidates.TryGetValue(name, out var list)) candidates[name] = list = [];
                list.Add(child);
            }
        }

        foreach (var (name, list) in candidates)
        {
            var winner = list[0];
            merged.Children[name] = winner switch
            {
                OnDisk { IsDirectory: false } file => new Link(file.Path),
                Generated { Node: not RealDirectory } generated => generated.Node,
                _ when topLevel || winner is Generated => Merge(list.Where(IsDirectory).ToList(), topLevel: false),
                _ when list.Count(IsDirectory) > 1 => Merge(list.Where(IsDirectory).ToList(), topLevel: false),
                OnDisk directory => new Link(directory.Path),
                _ => throw new InvalidOperationException("unreachable"),
            };
        }
        return merged;
    }

    private static bool IsDirectory(Source source) => source switch
    {
        OnDisk disk => disk.IsDirectory,
        Generated generated => generated.Node is RealDirectory,
        _ => false,
    };

    private static IEnumerable<(string Name, Source Child)> Children(Source directory)
    {
        switch (directory)
        {
            case OnDisk disk:
                foreach (var path in Directory.GetFileSystemEntries(disk.Path))
                    yield return (Path.GetFileName(path), new OnDisk(path, FileStatus.Of(path).Type == FileStatus.FileType.Directory));
                break;
            case Generated { Node: RealDirectory generated }:
                foreach (var (name, node) in generated.Children) yield return (name, new Generated(node));
                break;
        }
    }

    /// <summary>
    /// Walks the farm. Ends at the node the path names (Below null), or at a farm symlink with
    /// the part of the path below it (Below), which lies inside a package; null if the path is
    /// not in the farm.
    /// </summary>
    private static (Node Node, string? Below)? Find(RealDirectory root, string imagePath)
    {
        var components = imagePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        Node node = root;
        for (var i = 0; i < components.Length; i++)
        {
            switch (node)
            {
                case RealDirectory directory when directory.Children.TryGetValue(components[i], out var child):
                    node = child;
                    break;
                case Link:
                    return (node, string.Join('/', components[i..]));
                default:
                    return null;
            }
        }
        return (node, null);
    }

    private static void AddEntries(RealDirectory directory, string path, List<TarEntry> entries)
    {
        foreach (var (name, node) in directory.Children)
        {
            var childPath = path.Length == 0 ? name : path + "/" + name;
            switch (node)
            {
                case RealDirectory child:
                    entries.Add(TarEntry.Directory(childPath, child.Mode));
                    AddEntries(child, childPath, entries);
                    break;
                case Link link:
                    entries.Add(TarEntry.Symlink(childPath, link.Target));
                    break;
                case GeneratedFile file:
                    entries.Add(TarEntry.File(childPath, TarEntry.GeneratedFileMode, file.Content));
                    break;
            }
        }
    }

    private abstract class Node;

    private sealed class RealDirectory(UnixFileMode mode) : Node
    {
        public UnixFileMode Mode { get; } = mode;
        public SortedDictionary<string, Node> Children { get; } = new(EntryOrder.Instance);
    }

    private sealed class Link(string target) : Node
    {
        public string Target { get; } = target;
    }

    private sealed class GeneratedFile(byte[] content) : Node
    {
        public byte[] Content { get; } = content;
    }

    /// <summary>Something the farm is merged from: a path in a package, or a node of the generated skeleton.</summary>
    private abstract record Source;

    private sealed record OnDisk(string Path, bool IsDirectory) : Source;

    private sealed record Generated(Node Node) : Source;
}

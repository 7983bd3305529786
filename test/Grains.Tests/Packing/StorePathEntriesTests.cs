using System.Net.Sockets;
using System.Runtime.Versioning;
using Nixery.Packing;

namespace Nixery.Tests.Packing;

[SupportedOSPlatform("linux")]
[Trait("Category", "Unit")]
public sealed class StorePathEntriesTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Entry names below the temp root, as "/…" paths relative to it, for readable expectations.</summary>
    private List<string> NamesBelowRoot(IEnumerable<TarEntry> entries)
    {
        var prefix = _tree.Root[1..] + "/";
        return entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Name[prefix.Length..]).ToList();
    }

    [Fact]
    public void Each_ancestor_directory_comes_once_as_0755_before_the_paths_below_it()
    {
        _tree.AddFile("nix/store/bbbb-two/lib/y");
        _tree.AddFile("nix/store/aaaa-one/bin/x");

        var entries = StorePathEntries.Of([_tree.PathOf("nix/store/bbbb-two"), _tree.PathOf("nix/store/aaaa-one")]).ToList();

        var ancestors = _tree.Root[1..].Split('/').Select((_, i) => string.Join('/', _tree.Root[1..].Split('/')[..(i + 1)])).ToList();
        Assert.Equal(ancestors, entries.Take(ancestors.Count).Select(e => e.Name));
        Assert.Equal(
            ["nix", "nix/store", "nix/store/aaaa-one", "nix/store/aaaa-one/bin", "nix/store/aaaa-one/bin/x",
             "nix/store/bbbb-two", "nix/store/bbbb-two/lib", "nix/store/bbbb-two/lib/y"],
            NamesBelowRoot(entries));
        Assert.All(entries.Take(ancestors.Count + 2), e => Assert.Equal(TarEntry.DirectoryMode, e.Mode));
        Assert.Equal(entries.Count, entries.Select(e => e.Name).Distinct().Count());
    }

    [Fact]
    public void Children_follow_their_parent_in_the_byte_order_of_their_UTF8_names()
    {
        // 'B' < 'a'; "a" and its subtree before "a-b" ('-' < '/' in bytes, but a parent comes first);
        // U+FF21 before U+1F600 in UTF-8, though UTF-16 puts the surrogate pair first.
        foreach (var name in new[] { "😀", "a-b", "Ａ", "a.c", "é", "B" }) _tree.AddFile("pkg/" + name);
        _tree.AddFile("pkg/a/z");

        var names = NamesBelowRoot(StorePathEntries.Of([_tree.PathOf("pkg")]));

        Assert.Equal(["pkg", "pkg/B", "pkg/a", "pkg/a/z", "pkg/a-b", "pkg/a.c", "pkg/é", "pkg/Ａ", "pkg/😀"], names);
    }

    [Fact]
    public void Modes_sizes_and_link_targets_are_taken_from_disk()
    {
        _tree.AddFile("pkg/bin/tool", "#!/bin/sh\n", "4555");
        _tree.AddSymlink("pkg/bin/alias", "tool");
        _tree.AddDirectory("pkg/share/empty", "555");
        File.SetUnixFileMode(_tree.PathOf("pkg/bin"), TempTree.Mode("555"));

        var entries = StorePathEntries.Of([_tree.PathOf("pkg")]).ToDictionary(e => "/" + e.Name);

        var tool = entries[_tree.PathOf("pkg/bin/tool")];
        Assert.Equal((TarEntryKind.File, TempTree.Mode("4555"), 10L, _tree.PathOf("pkg/bin/tool")), (tool.Kind, tool.Mode, tool.Size, tool.SourcePath));
        Assert.Equal((TarEntryKind.Symlink, "tool"), (entries[_tree.PathOf("pkg/bin/alias")].Kind, entries[_tree.PathOf("pkg/bin/alias")].LinkTarget));
        Assert.Equal((TarEntryKind.Directory, TempTree.Mode("555")), (entries[_tree.PathOf("pkg/bin")].Kind, entries[_tree.PathOf("pkg/bin")].Mode));
        Assert.Equal((TarEntryKind.Directory, TempTree.Mode("555")), (entries[_tree.PathOf("pkg/share/empty")].Kind, entries[_tree.PathOf("pkg/share/empty")].Mode));
    }

    [Fact]
    public void A_store_path_that_is_a_single_file_is_one_file_entry()
    {
        var path = _tree.AddFile("nix/store/aaaa-script.sh", "echo hi\n", "555");

        var entry = StorePathEntries.Of([path]).Last();

        Assert.Equal((path[1..], TarEntryKind.File, 8L), (entry.Name, entry.Kind, entry.Size));
        Assert.Equal(["nix", "nix/store", "nix/store/aaaa-script.sh"], NamesBelowRoot(StorePathEntries.Of([path])));
    }

    [Fact]
    public void A_store_path_that_is_a_symlink_is_one_symlink_entry()
    {
        var path = _tree.AddSymlink("nix/store/aaaa-link", "/nix/store/bbbb-target");

        var entry = StorePathEntries.Of([path]).Last();

        Assert.Equal((path[1..], TarEntryKind.Symlink, "/nix/store/bbbb-target"), (entry.Name, entry.Kind, entry.LinkTarget));
    }

    [Fact]
    public async Task Hardlinked_files_are_described_as_separate_regular_files()
    {
        var original = _tree.AddFile("pkg/a", "same content");
        await Tool.RunAsync("ln", [original, _tree.PathOf("pkg/b")]);

        var files = StorePathEntries.Of([_tree.PathOf("pkg")]).Where(e => e.Kind == TarEntryKind.File).ToList();

        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Equal(12, f.Size));
    }

    [Fact]
    public void A_path_inside_another_or_given_twice_is_packed_once()
    {
        _tree.AddFile("nix/store/aaaa-one/bin/x");

        var names = NamesBelowRoot(StorePathEntries.Of(
            [_tree.PathOf("nix/store/aaaa-one/bin"), _tree.PathOf("nix/store/aaaa-one"), _tree.PathOf("nix/store/aaaa-one/")]));

        Assert.Equal(["nix", "nix/store", "nix/store/aaaa-one", "nix/store/aaaa-one/bin", "nix/store/aaaa-one/bin/x"], names);
    }

    [Fact]
    public void Directories_are_listed_only_when_the_walk_reaches_them()
    {
        _tree.AddFile("pkg/a/file");
        _tree.AddDirectory("pkg/b");

        using var walk = StorePathEntries.Of([_tree.PathOf("pkg")]).GetEnumerator();
        while (walk.MoveNext() && walk.Current.Name != _tree.PathOf("pkg/a/file")[1..]) { }
        _tree.AddFile("pkg/b/added-during-the-walk");
        var rest = new List<string>();
        while (walk.MoveNext()) rest.Add(walk.Current.Name);

        Assert.Equal([_tree.PathOf("pkg/b")[1..], _tree.PathOf("pkg/b/added-during-the-walk")[1..]], rest);
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("socket")]
    [InlineData("device")]
    public async Task A_special_file_is_refused_with_its_path_named(string kind)
    {
        _tree.AddFile("pkg/ok");
        var special = _tree.PathOf("pkg/special");
        // Disposing a bound socket removes its file, so it stays open for the test.
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        switch (kind)
        {
            case "fifo":
                await Tool.RunAsync("mkfifo", [special]);
                break;
            case "socket":
                socket.Bind(new UnixDomainSocketEndPoint(special));
                break;
            case "device":
                special = "/dev/null"; // creating a device needs privileges; a store path could not hold one anyway
                break;
        }
        var root = kind == "device" ? special : _tree.PathOf("pkg");

        var error = Assert.Throws<NotSupportedException>(() => StorePathEntries.Of([root]).ToList());
        Assert.Contains($"'{special}'", error.Message);
    }

    [Fact]
    public void A_relative_path_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => StorePathEntries.Of(["nix/store/aaaa-one"]));
    }
}

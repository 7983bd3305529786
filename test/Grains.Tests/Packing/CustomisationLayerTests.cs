using System.Runtime.Versioning;
using System.Text;
using Nixery.Packing;

namespace Nixery.Tests.Packing;

[SupportedOSPlatform("linux")]
[Trait("Category", "Unit")]
public sealed class CustomisationLayerTests : IDisposable
{
    private readonly TempTree _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>A package output in the store, with the given files (a trailing '/' makes an empty directory).</summary>
    private string Package(string name, params string[] paths)
    {
        var root = _store.AddDirectory(name);
        foreach (var path in paths)
        {
            if (path.EndsWith('/')) _store.AddDirectory($"{name}/{path}");
            else _store.AddFile($"{name}/{path}", $"{name}:{path}\n");
        }
        return root;
    }

    private static Dictionary<string, TarEntry> ByName(CustomisationLayer layer) => layer.Entries.ToDictionary(e => e.Name);

    private static void AssertDirectory(Dictionary<string, TarEntry> entries, string name, string mode = "755")
    {
        Assert.True(entries.TryGetValue(name, out var entry), $"{name} is missing");
        Assert.Equal((TarEntryKind.Directory, TempTree.Mode(mode)), (entry.Kind, entry.Mode));
    }

    private static void AssertLink(Dictionary<string, TarEntry> entries, string name, string target)
    {
        Assert.True(entries.TryGetValue(name, out var entry), $"{name} is missing");
        Assert.Equal((TarEntryKind.Symlink, target), (entry.Kind, entry.LinkTarget));
    }

    [Fact]
    public void Top_level_directories_are_real_and_a_directory_one_package_has_below_them_is_one_symlink()
    {
        var hello = Package("aaaa-hello", "bin/hello", "share/man/man1/hello.1");

        var entries = ByName(CustomisationLayer.Build([hello]));

        AssertDirectory(entries, "bin");
        AssertLink(entries, "bin/hello", $"{hello}/bin/hello");
        AssertDirectory(entries, "share");
        AssertLink(entries, "share/man", $"{hello}/share/man");
        Assert.DoesNotContain("share/man/man1", entries.Keys);
    }

    [Fact]
    public void A_directory_several_packages_have_is_real_and_their_children_are_merged()
    {
        var a = Package("aaaa-a", "share/man/man1/a.1", "share/doc/a/README");
        var b = Package("bbbb-b", "share/man/man1/b.1", "share/man/man5/b.5");

        var entries = ByName(CustomisationLayer.Build([a, b]));

        AssertDirectory(entries, "share/man");
        AssertDirectory(entries, "share/man/man1");
        AssertLink(entries, "share/man/man1/a.1", $"{a}/share/man/man1/a.1");
        AssertLink(entries, "share/man/man1/b.1", $"{b}/share/man/man1/b.1");
        AssertLink(entries, "share/man/man5", $"{b}/share/man/man5");
        AssertLink(entries, "share/doc", $"{a}/share/doc");
    }

    [Fact]
    public void When_packages_collide_the_first_in_priority_order_wins()
    {
        var first = Package("zzzz-first", "bin/tool");
        var second = Package("aaaa-second", "bin/tool");

        AssertLink(ByName(CustomisationLayer.Build([first, second])), "bin/tool", $"{first}/bin/tool");
        AssertLink(ByName(CustomisationLayer.Build([second, first])), "bin/tool", $"{second}/bin/tool");
    }

    [Fact]
    public void A_file_against_a_directory_is_won_whole_by_the_first_package()
    {
        var file = Package("aaaa-file", "lib/thing");
        var directory = Package("bbbb-directory", "lib/thing/inside", "lib/other");

        var fileFirst = ByName(CustomisationLayer.Build([file, directory]));
        AssertLink(fileFirst, "lib/thing", $"{file}/lib/thing");
        Assert.DoesNotContain("lib/thing/inside", fileFirst.Keys);
        AssertLink(fileFirst, "lib/other", $"{directory}/lib/other");

        AssertLink(ByName(CustomisationLayer.Build([directory, file])), "lib/thing", $"{directory}/lib/thing");
    }

    [Fact]
    public void usr_bin_env_points_where_the_farm_s_bin_env_points()
    {
        var busybox = Package("aaaa-busybox", "bin/env");
        var coreutils = Package("bbbb-coreutils", "bin/env", "bin/ls");

        var entries = ByName(CustomisationLayer.Build([busybox, coreutils]));

        AssertDirectory(entries, "usr");
        AssertDirectory(entries, "usr/bin");
        AssertLink(entries, "usr/bin/env", $"{busybox}/bin/env");
    }

    [Fact]
    public void Without_bin_env_there_is_no_dangling_usr_bin_env()
    {
        var entries = ByName(CustomisationLayer.Build([Package("aaaa-hello", "bin/hello")]));

        AssertDirectory(entries, "usr/bin");
        Assert.DoesNotContain("usr/bin/env", entries.Keys);
    }

    [Fact]
    public void tmp_is_world_writable_with_the_sticky_bit()
    {
        AssertDirectory(ByName(CustomisationLayer.Build([])), "tmp", "1777");
    }

    [Fact]
    public void Without_a_user_database_in_any_package_passwd_and_group_name_root_and_nobody()
    {
        var ianaEtc = Package("aaaa-iana-etc", "etc/protocols");

        var layer = CustomisationLayer.Build([ianaEtc]);
        var entries = ByName(layer);

        AssertDirectory(entries, "etc");
        AssertLink(entries, "etc/protocols", $"{ianaEtc}/etc/protocols");
        var passwd = Encoding.ASCII.GetString(entries["etc/passwd"].Content.Span);
        var group = Encoding.ASCII.GetString(entries["etc/group"].Content.Span);
        Assert.Equal(["root:x:0:0", "nobody:x:65534:65534"], passwd.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => string.Join(':', l.Split(':')[..4])));
        Assert.Equal(["root:x:0:", "nobody:x:65534:"], group.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(TempTree.Mode("644"), entries["etc/passwd"].Mode);
    }

    [Fact]
    public void A_package_s_own_passwd_wins_over_the_generated_one()
    {
        var users = Package("aaaa-users", "etc/passwd");

        var entries = ByName(CustomisationLayer.Build([users]));

        AssertLink(entries, "etc/passwd", $"{users}/etc/passwd");
        Assert.Equal(TarEntryKind.File, entries["etc/group"].Kind);
    }

    [Fact]
    public void Resolve_gives_the_store_path_an_image_path_leads_to()
    {
        var bash = Package("aaaa-bash", "bin/bash");
        var cacert = Package("bbbb-cacert", "etc/ssl/certs/ca-bundle.crt");

        var layer = CustomisationLayer.Build([bash, cacert]);

        Assert.Equal($"{bash}/bin/bash", layer.Resolve("bin/bash"));
        Assert.Equal($"{bash}/bin/bash", layer.Resolve("/bin/bash"));
        Assert.Equal($"{cacert}/etc/ssl/certs/ca-bundle.crt", layer.Resolve("etc/ssl/certs/ca-bundle.crt")); // through the etc/ssl link
        Assert.Null(layer.Resolve("bin/zsh"));
        Assert.Null(layer.Resolve("etc/ssl/certs/missing.crt"));
        Assert.Null(layer.Resolve("tmp")); // a real directory of the image, not a link into the store
    }

    [Fact]
    public void Has_says_whether_a_path_exists_in_the_image()
    {
        var cacert = Package("bbbb-cacert", "etc/ssl/certs/ca-bundle.crt");

        var layer = CustomisationLayer.Build([cacert]);

        Assert.True(layer.Has("etc/ssl/certs/ca-bundle.crt"));
        Assert.True(layer.Has("etc/ssl"));
        Assert.True(layer.Has("etc/passwd"));
        Assert.True(layer.Has("tmp"));
        Assert.False(layer.Has("etc/ssl/certs/missing.crt"));
        Assert.False(layer.Has("bin/bash"));
        Assert.False(layer.Has("etc/passwd/inside-a-file"));
    }

    [Fact]
    public void Packages_whose_output_is_a_single_file_contribute_nothing()
    {
        var script = _store.AddFile("aaaa-script.sh", "echo hi\n");
        var hello = Package("bbbb-hello", "bin/hello");

        Assert.Equal(
            CustomisationLayer.Build([hello]).Entries.Select(e => e.ToString()),
            CustomisationLayer.Build([script, hello]).Entries.Select(e => e.ToString()));
    }

    [Fact]
    public void Entries_come_parents_first_in_byte_order_of_names()
    {
        var a = Package("aaaa-a", "bin/z", "bin/a-b", "lib/x/y", "lib-extra/q");
        var b = Package("bbbb-b", "bin/a/inside", "lib/x/w");

        var names = CustomisationLayer.Build([a, b]).Entries.Select(e => e.Name).ToList();

        // Written out by hand, as GNU tar --sort=name orders them: '/' before '-'.
        string[] expected = ["bin", "bin/a", "bin/a-b", "bin/z", "lib", "lib/x", "lib/x/w", "lib/x/y", "lib-extra"];
        Assert.Equal(expected, names.Where(expected.Contains));
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public async Task The_layer_packs_with_its_modes_and_links_intact()
    {
        var coreutils = Package("aaaa-coreutils", "bin/env");
        var blob = _store.PathOf("layer.tar.gz");

        await using (var output = File.Create(blob))
            await new LayerWriter().WriteAsync(CustomisationLayer.Build([coreutils]).Entries, output);

        var listing = (await Tool.RunTextAsync("tar", "--numeric-owner", "-tvzf", blob)).Split('\n');
        Assert.Contains(listing, l => l.StartsWith("drwxrwxrwt 0/0") && l.EndsWith(" tmp/"));
        Assert.Contains(listing, l => l.StartsWith("lrwxrwxrwx 0/0") && l.EndsWith($" usr/bin/env -> {coreutils}/bin/env"));
        Assert.Contains(listing, l => l.StartsWith("-rw-r--r-- 0/0") && l.EndsWith(" etc/passwd"));
    }
}

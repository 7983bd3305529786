using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using Nixery.Packing;
using TarEntry = Nixery.Packing.TarEntry;

namespace Nixery.Tests.Packing;

[SupportedOSPlatform("linux")]
[Trait("Category", "Unit")]
public sealed class DeterministicTarWriterTests : IDisposable
{
    // Over 100 bytes but splittable into ustar prefix + name.
    private static readonly string SplittableName = string.Join('/', Enumerable.Repeat("directory-of-thirty-characters", 4)) + "/file";
    // Over 255 bytes: needs PAX.
    private static readonly string VeryLongName = string.Join('/', Enumerable.Repeat("directory-of-thirty-characters", 9)) + "/file";
    // A single component over 100 bytes cannot be split at a slash: needs PAX.
    private static readonly string UnsplittableName = "dir/" + new string('x', 120);
    private const string NonAsciiName = "données/naïve-ünïcödé-😀.txt";
    private static readonly string LongTarget = "/nix/store/" + new string('t', 140) + "/bin/target";

    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    /// <summary>Every kind of entry the format has to get right, with content on disk.</summary>
    private List<TarEntry> Entries()
    {
        TarEntry FileOnDisk(string name, string content, string mode) =>
            TarEntry.File(name, TempTree.Mode(mode), Encoding.UTF8.GetByteCount(content), _tree.AddFile("source/" + name, content));

        return
        [
            TarEntry.Directory("dir", TempTree.Mode("755")),
            TarEntry.Directory("dir/empty", TempTree.Mode("555")),
            TarEntry.Directory("dir/sticky", TempTree.Mode("1777")),
            FileOnDisk("dir/setuid", "#!/bin/sh\n", "4755"),
            FileOnDisk("dir/setgid", "#!/bin/sh\n", "2711"),
            FileOnDisk("dir/empty-file", "", "444"),
            FileOnDisk("dir/block-sized", new string('b', 512), "644"),
            FileOnDisk(UnsplittableName, "unsplittable", "644"),
            FileOnDisk(SplittableName, "splittable", "644"),
            FileOnDisk(VeryLongName, "very long", "644"),
            FileOnDisk(NonAsciiName, "non-ascii", "644"),
            TarEntry.Symlink("dir/short-link", "../dir/setuid"),
            TarEntry.Symlink("dir/long-link", LongTarget),
            TarEntry.Symlink("dir/ünïcödé-link", "zïel"),
            TarEntry.File("dir/generated", TempTree.Mode("644"), "generated\n"u8.ToArray()),
        ];
    }

    private static async Task<byte[]> WriteAsync(IEnumerable<TarEntry> entries)
    {
        using var output = new MemoryStream();
        await DeterministicTarWriter.WriteAsync(entries, output);
        return output.ToArray();
    }

    [Fact]
    public async Task System_Formats_Tar_reads_back_every_name_kind_mode_target_and_content()
    {
        var entries = Entries();
        using var archive = new MemoryStream(await WriteAsync(entries));
        using var reader = new TarReader(archive);

        foreach (var expected in entries)
        {
            var actual = reader.GetNextEntry();
            Assert.NotNull(actual);
            switch (expected.Kind)
            {
                case TarEntryKind.Directory:
                    Assert.Equal(expected.Name + "/", actual.Name);
                    Assert.Equal(TarEntryType.Directory, actual.EntryType);
                    break;
                case TarEntryKind.Symlink:
                    Assert.Equal(expected.Name, actual.Name);
                    Assert.Equal(TarEntryType.SymbolicLink, actual.EntryType);
                    Assert.Equal(expected.LinkTarget, actual.LinkName);
                    break;
                case TarEntryKind.File:
                    Assert.Equal(expected.Name, actual.Name);
                    Assert.Equal(TarEntryType.RegularFile, actual.EntryType);
                    Assert.Equal(expected.SourcePath is null ? expected.Content.ToArray() : File.ReadAllBytes(expected.SourcePath), Content(actual));
                    break;
            }
            Assert.Equal(expected.Mode, actual.Mode);
        }
        Assert.Null(reader.GetNextEntry());
    }

    [Fact]
    public async Task Every_entry_has_mtime_1_owner_0_and_no_user_or_group_name()
    {
        using var archive = new MemoryStream(await WriteAsync(Entries()));
        using var reader = new TarReader(archive);
        while (reader.GetNextEntry() is { } entry)
        {
            Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1), entry.ModificationTime);
            Assert.Equal(0, entry.Uid);
            Assert.Equal(0, entry.Gid);
            var posix = Assert.IsAssignableFrom<PosixTarEntry>(entry);
            Assert.Equal("", posix.UserName);
            Assert.Equal("", posix.GroupName);
        }
    }

    [Fact]
    public async Task GNU_tar_lists_modes_owners_times_and_link_targets_as_written()
    {
        var archive = _tree.AddFile("out/archive.tar", await WriteAsync(Entries()));
        var listing = (await Tool.RunTextAsync("tar", "--numeric-owner", "--full-time", "--quoting-style=literal", "-tvf", archive))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("drwxrwxrwt 0/0 0 1970-01-01 00:00:01 dir/sticky/", listing.Select(Squeeze));
        Assert.Contains("dr-xr-xr-x 0/0 0 1970-01-01 00:00:01 dir/empty/", listing.Select(Squeeze));
        Assert.Contains("-rwsr-xr-x 0/0 10 1970-01-01 00:00:01 dir/setuid", listing.Select(Squeeze));
        Assert.Contains("-rwx--s--x 0/0 10 1970-01-01 00:00:01 dir/setgid", listing.Select(Squeeze));
        Assert.Contains("-r--r--r-- 0/0 0 1970-01-01 00:00:01 dir/empty-file", listing.Select(Squeeze));
        Assert.Contains($"lrwxrwxrwx 0/0 0 1970-01-01 00:00:01 dir/long-link -> {LongTarget}", listing.Select(Squeeze));
        Assert.Contains($"-rw-r--r-- 0/0 9 1970-01-01 00:00:01 {NonAsciiName}", listing.Select(Squeeze));
        Assert.Contains($"-rw-r--r-- 0/0 9 1970-01-01 00:00:01 {VeryLongName}", listing.Select(Squeeze));
        Assert.Equal(Entries().Count, listing.Length);

        static string Squeeze(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task GNU_tar_extracts_the_same_content_permissions_and_link_targets()
    {
        var entries = Entries();
        var archive = _tree.AddFile("out/archive.tar", await WriteAsync(entries));
        var target = _tree.AddDirectory("extracted");
        await Tool.RunAsync("tar", ["-xpf", archive, "-C", target]);

        foreach (var entry in entries)
        {
            var path = Path.Join(target, entry.Name);
            switch (entry.Kind)
            {
                case TarEntryKind.Directory:
                    Assert.True(Directory.Exists(path), entry.Name);
                    break;
                case TarEntryKind.Symlink:
                    Assert.Equal(entry.LinkTarget, new FileInfo(path).LinkTarget);
                    continue; // a symlink's own mode is not meaningful on Linux
                case TarEntryKind.File:
                    Assert.Equal(entry.SourcePath is null ? entry.Content.ToArray() : File.ReadAllBytes(entry.SourcePath), File.ReadAllBytes(path));
                    break;
            }
            // setuid, setgid and sticky are checked in the listing: extracting them depends on privileges.
            const UnixFileMode permissions = (UnixFileMode)0b111_111_111;
            Assert.Equal(entry.Mode & permissions, File.GetUnixFileMode(path) & permissions);
        }
    }

    [Fact]
    public async Task Writing_the_same_entries_twice_gives_the_same_bytes()
    {
        Assert.Equal(await WriteAsync(Entries()), await WriteAsync(Entries()));
    }

    [Fact]
    public async Task Directory_names_end_with_a_slash_in_the_header()
    {
        var headers = RawTar.Read(await WriteAsync([TarEntry.Directory("a/b", TempTree.Mode("755"))]));
        Assert.Equal("a/b/", Assert.Single(headers).Name);
        Assert.Equal('5', headers[0].Type);
    }

    [Fact]
    public async Task A_name_that_fits_ustar_prefix_and_name_needs_no_PAX_header()
    {
        var headers = RawTar.Read(await WriteAsync([TarEntry.File(SplittableName, TempTree.Mode("644"), "x"u8.ToArray())]));
        var header = Assert.Single(headers);
        Assert.Equal(SplittableName, header.Prefix + "/" + header.Name);
    }

    [Theory]
    [MemberData(nameof(NamesNeedingPax))]
    public async Task Names_and_targets_ustar_cannot_hold_go_in_a_PAX_header_with_a_fixed_name(string name, string? target, string key)
    {
        var entry = target is null ? TarEntry.File(name, TempTree.Mode("644"), "x"u8.ToArray()) : TarEntry.Symlink(name, target);
        var headers = RawTar.Read(await WriteAsync([entry]));

        Assert.Equal(2, headers.Count);
        Assert.Equal('x', headers[0].Type);
        Assert.Equal("PaxHeaders/entry", headers[0].Name);
        Assert.Equal(1, headers[0].ModificationTime);
        var records = RawTar.PaxRecords(headers[0].Data);
        Assert.Equal([key], records.Keys);
        Assert.Equal(key == "path" ? name : target, records[key]);
    }

    public static TheoryData<string, string?, string> NamesNeedingPax() => new()
    {
        { VeryLongName, null, "path" },
        { UnsplittableName, null, "path" },
        { NonAsciiName, null, "path" },
        { "link", LongTarget, "linkpath" },
        { "link", "zïel", "linkpath" },
    };

    [Fact]
    public async Task A_size_beyond_eleven_octal_digits_goes_in_a_PAX_header()
    {
        const long size = 8L << 30; // 8 GiB, one more than 077777777777
        // A sparse file costs no space. Reading its holes is cheap on tmpfs, whereas a disk file
        // system fills the page cache with zeros first, so /dev/shm is used where there is one.
        var path = Directory.Exists("/dev/shm") ? $"/dev/shm/nixery-sparse-{Guid.NewGuid():N}" : _tree.PathOf("sparse");
        try
        {
            using (var file = File.Create(path)) file.SetLength(size);
            var output = new HeadStream(4096);
            await DeterministicTarWriter.WriteAsync([TarEntry.File("sparse", TempTree.Mode("644"), size, path)], output);

            var pax = output.Head.AsSpan(512, 512).ToArray();
            Assert.Equal((byte)'x', output.Head[156]);
            Assert.Equal("8589934592", RawTar.PaxRecords(pax[..Array.IndexOf(pax, (byte)0)])["size"]);
            Assert.Equal(3 * 512 + size + 1024, output.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_archive_ends_with_two_zero_blocks()
    {
        var archive = await WriteAsync([TarEntry.File("f", TempTree.Mode("644"), "abc"u8.ToArray())]);
        Assert.Equal(4 * 512, archive.Length);
        Assert.All(archive[^1024..], b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task A_file_whose_size_changed_since_it_was_described_is_refused()
    {
        var path = _tree.AddFile("file", "12345");
        var entry = TarEntry.File("file", TempTree.Mode("644"), 5, path);
        await File.AppendAllTextAsync(path, "6");

        var error = await Assert.ThrowsAsync<IOException>(() => DeterministicTarWriter.WriteAsync([entry], Stream.Null));
        Assert.Contains("changed while it was being packed", error.Message);
    }

    [Fact]
    public async Task A_file_that_grows_while_it_is_read_fails()
    {
        // procfs files report a length of 0 but have content: a real file whose data
        // outgrows the size seen when it was opened.
        var entry = TarEntry.File("status", TempTree.Mode("444"), 0, "/proc/self/status");
        var error = await Assert.ThrowsAsync<IOException>(() => DeterministicTarWriter.WriteAsync([entry], Stream.Null));
        Assert.Contains("changed while it was being packed", error.Message);
    }

    private static byte[] Content(System.Formats.Tar.TarEntry entry)
    {
        using var data = new MemoryStream();
        entry.DataStream?.CopyTo(data);
        return data.ToArray();
    }

    /// <summary>Keeps the first bytes written and counts the rest.</summary>
    private sealed class HeadStream(int keep) : WriteOnlyStream
    {
        private readonly MemoryStream _head = new();
        private long _length;

        public byte[] Head => _head.ToArray();
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = (int)Math.Max(0, keep - _head.Length);
            _head.Write(buffer[..Math.Min(room, buffer.Length)]);
            _length += buffer.Length;
        }
    }
}

using System.Buffers;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Nixery.Packing;

/// <summary>
/// Writes <see cref="TarEntry"/>s as a POSIX tar whose bytes depend only on the entries and
/// the content of their files: mtime <see cref="LayerFormat.ModificationTime"/>, uid and gid 0,
/// no user or group names, directory names ending in '/', modes as given.
/// </summary>
/// <remarks>
/// Headers are ustar. A PAX extended header ('x') is added only where ustar cannot say it:
/// a name that does not fit name + prefix, a name or link target that is not ASCII, a link
/// target over 100 bytes, a size over 11 octal digits. Its own name is a constant, so nothing
/// host-specific leaks in (GNU tar puts its pid there; System.Formats.Tar adds atime and ctime
/// from the clock, which is why it is not used here).
///
/// Hardlinks are never written. Nix's store optimisation (auto-optimise-store) hardlinks
/// identical files across store paths, and which files are linked depends on the machine's
/// history; a layer that recorded them would differ between machines and would refer to
/// paths that may sit in another layer. Every file is therefore written in full.
/// </remarks>
public sealed class DeterministicTarWriter
{
    private const int BlockSize = 512;
    private const int NameSize = 100;
    private const int PrefixSize = 155;
    private const long MaxUstarSize = 0x1_FFFF_FFFF; // 077777777777, 11 octal digits
    private const int CopyBufferSize = 1 << 20;
    private const string PaxHeaderName = "PaxHeaders/entry";
    private static readonly UnixFileMode PaxHeaderMode = TarEntry.GeneratedFileMode;
    private static readonly byte[] Zeros = new byte[2 * BlockSize];

    private readonly Stream _output;
    private readonly byte[] _header = new byte[BlockSize];
    private bool _completed;

    public DeterministicTarWriter(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>
    /// Writes one entry. A file is streamed from disk; if its length is not the entry's size,
    /// before or while it is read, this throws <see cref="IOException"/>: store paths are
    /// immutable, so a change means something is wrong, and a tar with a size that does not
    /// match its data would be corrupt.
    /// </summary>
    public async ValueTask WriteEntryAsync(TarEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_completed, this);

        SafeFileHandle? file = null;
        try
        {
            if (entry.Kind == TarEntryKind.File && entry.SourcePath is not null)
            {
                file = File.OpenHandle(entry.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
                var length = RandomAccess.GetLength(file);
                if (length != entry.Size) throw SizeChanged(entry, length);
            }

            await WriteHeadersAsync(entry, cancellationToken);

            if (entry.Kind != TarEntryKind.File) return;
            if (file is not null) await CopyAsync(file, entry, cancellationToken);
            else await _output.WriteAsync(entry.Content, cancellationToken);
            await PadAsync(entry.Size, cancellationToken);
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>Ends the archive with two zero blocks. The writer accepts no entries afterwards.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed) return;
        _completed = true;
        await _output.WriteAsync(Zeros, cancellationToken);
    }

    /// <summary>Writes all <paramref name="entries"/> and ends the archive.</summary>
    public static async Task WriteAsync(IEnumerable<TarEntry> entries, Stream output, CancellationToken cancellationToken = default)
    {
        var writer = new DeterministicTarWriter(output);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteEntryAsync(entry, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    private async ValueTask WriteHeadersAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        var name = Encoding.UTF8.GetBytes(entry.Kind == TarEntryKind.Directory ? entry.Name + "/" : entry.Name);
        var link = entry.LinkTarget is null ? [] : Encoding.UTF8.GetBytes(entry.LinkTarget);

        var nameFits = Ascii.IsValid(name) && TrySplitUstarName(name, out _);
        var linkFits = Ascii.IsValid(link) && link.Length <= NameSize;
        var sizeFits = entry.Size <= MaxUstarSize;

        if (!(nameFits && linkFits && sizeFits))
        {
            // Keys in byte order, so the records are a function of the entry alone.
            var records = new List<(string Key, byte[] Value)>(3);
            if (!linkFits) records.Add(("linkpath", link));
            if (!nameFits) records.Add(("path", name));
            if (!sizeFits) records.Add(("size", Encoding.ASCII.GetBytes(entry.Size.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            var data = PaxRecords(records);

            FillHeader(Encoding.ASCII.GetBytes(PaxHeaderName), PaxHeaderMode, data.Length, (byte)'x', []);
            await _output.WriteAsync(_header, cancellationToken);
            await _output.WriteAsync(data, cancellationToken);
            await PadAsync(data.Length, cancellationToken);
        }

        // Where PAX carries the real value, the ustar field holds an ASCII stand-in for
        // readers that predate PAX; PAX-aware readers ignore it.
        var typeflag = entry.Kind switch
        {
            TarEntryKind.Directory => (byte)'5',
            TarEntryKind.Symlink => (byte)'2',
            _ => (byte)'0',
        };
        FillHeader(
            nameFits ? name : AsciiStandIn(name),
            entry.Mode,
            sizeFits ? entry.Size : 0,
            typeflag,
            linkFits ? link : AsciiStandIn(link).AsSpan(0, Math.Min(link.Length, NameSize)));
        await _output.WriteAsync(_header, cancellationToken);
    }

    private void FillHeader(ReadOnlySpan<byte> name, UnixFileMode mode, long size, byte typeflag, ReadOnlySpan<byte> link)
    {
        var h = _header.AsSpan();
        h.Clear();

        if (TrySplitUstarName(name, out var split))
        {
            if (split > 0) name[..(split - 1)].CopyTo(h.Slice(345, PrefixSize));
            name[split..].CopyTo(h.Slice(0, NameSize));
        }
        else
        {
            name[..NameSize].CopyTo(h.Slice(0, NameSize));
        }

        WriteOctal(h.Slice(100, 8), (long)mode);
        WriteOctal(h.Slice(108, 8), 0); // uid
        WriteOctal(h.Slice(116, 8), 0); // gid
        WriteOctal(h.Slice(124, 12), size);
        WriteOctal(h.Slice(136, 12), LayerFormat.ModificationTime);
        h[156] = typeflag;
        link.CopyTo(h.Slice(157, NameSize));
        "ustar\0"u8.CopyTo(h.Slice(257, 6));
        "00"u8.CopyTo(h.Slice(263, 2));
        // uname and gname (265, 297) stay empty: the numeric ids are authoritative.
        WriteOctal(h.Slice(329, 8), 0); // devmajor
        WriteOctal(h.Slice(337, 8), 0); // devminor

        // The checksum is computed with its own field read as spaces.
        h.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in h) sum += b;
        WriteOctal(h.Slice(148, 7), sum);
        h[155] = (byte)' ';
    }

    /// <summary>
    /// Finds where to cut a name into ustar's prefix and name fields, at a '/', keeping the
    /// longest prefix that fits (as GNU tar does). <paramref name="split"/> is the index the
    /// name field starts at, 0 when the whole name fits in the name field.
    /// </summary>
    private static bool TrySplitUstarName(ReadOnlySpan<byte> name, out int split)
    {
        split = 0;
        if (name.Length <= NameSize) return true;
        for (var slash = Math.Min(PrefixSize, name.Length - 2); slash > 0; slash--)
        {
            if (name[slash] != '/') continue;
            if (name.Length - slash - 1 > NameSize) return false;
            split = slash + 1;
            return true;
        }
        return false;
    }

    private static byte[] AsciiStandIn(byte[] utf8)
    {
        var copy = (byte[])utf8.Clone();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] >= 0x80) copy[i] = (byte)'_';
        }
        return copy;
    }

    /// <summary>Zero-padded octal digits filling all but the last byte, which stays NUL.</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        for (var i = field.Length - 2; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[^1] = 0;
    }

    /// <summary>PAX records are "<c>length key=value\n</c>", where length counts the whole record, itself included.</summary>
    private static byte[] PaxRecords(IEnumerable<(string Key, byte[] Value)> records)
    {
        using var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var rest = 1 + key.Length + 1 + value.Length + 1; // ' ', '=', '\n'
            var length = rest + Digits(rest);
            if (Digits(length) > Digits(rest)) length++;
            data.Write(Encoding.ASCII.GetBytes($"{length} {key}="));
            data.Write(value);
            data.WriteByte((byte)'\n');
        }
        return data.ToArray();

        static int Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
    }

    private async ValueTask CopyAsync(SafeFileHandle file, TarEntry entry, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyBufferSize, entry.Size + 1));
        try
        {
            long offset = 0;
            while (true)
            {
                // Asking for one byte more than remains is how growth is noticed.
                var want = (int)Math.Min(buffer.Length, entry.Size - offset + 1);
                var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, want), offset, cancellationToken);
                if (read == 0) break;
                if (offset + read > entry.Size) throw SizeChanged(entry, RandomAccess.GetLength(file));
                await _output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                offset += read;
            }
            if (offset != entry.Size) throw SizeChanged(entry, offset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask PadAsync(long size, CancellationToken cancellationToken)
    {
        var remainder = (int)(size % BlockSize);
        if (remainder != 0) await _output.WriteAsync(Zeros.AsMemory(0, BlockSize - remainder), cancellationToken);
    }

    private static IOException SizeChanged(TarEntry entry, long actual) =>
        new($"'{entry.SourcePath}' changed while it was being packed: it was {entry.Size} bytes and is now {actual}. " +
            "Store paths must be immutable; the layer is abandoned.");
}

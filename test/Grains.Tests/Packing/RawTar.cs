using System.Text;

namespace Nixery.Tests.Packing;

/// <summary>
/// Reads tar headers field by field, without interpreting PAX, so tests can see exactly what
/// was written: System.Formats.Tar and GNU tar both hide the extended headers.
/// </summary>
public static class RawTar
{
    public sealed record Header(string Name, string Prefix, char Type, string Mode, long Size, long ModificationTime,
        long Uid, long Gid, string UserName, string GroupName, string LinkName, byte[] Data);

    public static IReadOnlyList<Header> Read(byte[] archive)
    {
        var headers = new List<Header>();
        var offset = 0;
        long? paxSize = null;
        while (offset + 512 <= archive.Length && archive.AsSpan(offset, 512).ContainsAnyExcept((byte)0))
        {
            var block = archive.AsSpan(offset, 512);
            var size = paxSize ?? Octal(block.Slice(124, 12));
            paxSize = null;
            var data = archive.AsSpan(offset + 512, (int)size).ToArray();
            var header = new Header(
                Text(block[..100]), Text(block.Slice(345, 155)), (char)block[156], Encoding.ASCII.GetString(block.Slice(100, 7)),
                size, Octal(block.Slice(136, 12)), Octal(block.Slice(108, 8)), Octal(block.Slice(116, 8)),
                Text(block.Slice(265, 32)), Text(block.Slice(297, 32)), Text(block.Slice(157, 100)), data);
            headers.Add(header);
            if (header.Type == 'x' && PaxRecords(data).TryGetValue("size", out var s)) paxSize = long.Parse(s);
            offset += 512 + (int)((size + 511) / 512 * 512);
        }
        return headers;
    }

    public static Dictionary<string, string> PaxRecords(byte[] data)
    {
        var records = new Dictionary<string, string>();
        var offset = 0;
        while (offset < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', offset);
            var length = int.Parse(Encoding.ASCII.GetString(data, offset, space - offset));
            var record = Encoding.UTF8.GetString(data, space + 1, offset + length - space - 2);
            var equals = record.IndexOf('=');
            records[record[..equals]] = record[(equals + 1)..];
            offset += length;
        }
        return records;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static long Octal(ReadOnlySpan<byte> field) => Convert.ToInt64(Text(field).Trim(), 8);
}

namespace Nixery.Frontend;

/// <summary>
/// A single byte range of a blob (RFC 9110 §14). Multiple ranges, other units
/// and malformed headers are ignored, which RFC 9110 allows: the whole blob
/// is sent. A range that starts beyond the blob, or ends before it starts,
/// is unsatisfiable (416), as the distribution-spec conformance suite expects.
/// </summary>
public readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    public enum Outcome { Whole, Partial, Unsatisfiable }

    public static Outcome Parse(string? header, long size, out ByteRange range)
    {
        range = new ByteRange(0, size);
        if (string.IsNullOrWhiteSpace(header)) return Outcome.Whole;
        var text = header.Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return Outcome.Whole;
        var spec = text["bytes=".Length..].Trim();
        if (spec.Contains(',')) return Outcome.Whole;
        var dash = spec.IndexOf('-');
        if (dash < 0) return Outcome.Whole;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();

        if (first.Length == 0)
        {
            if (!long.TryParse(last, out var suffix) || suffix < 0) return Outcome.Whole;
            if (suffix == 0 || size == 0) return Outcome.Unsatisfiable;
            var length = Math.Min(suffix, size);
            range = new ByteRange(size - length, length);
            return Outcome.Partial;
        }
        if (!long.TryParse(first, out var start) || start < 0) return Outcome.Whole;
        if (start >= size) return Outcome.Unsatisfiable;
        if (last.Length == 0)
        {
            range = new ByteRange(start, size - start);
            return Outcome.Partial;
        }
        if (!long.TryParse(last, out var end) || end < 0) return Outcome.Whole;
        if (end < start) return Outcome.Unsatisfiable;
        range = new ByteRange(start, Math.Min(end, size - 1) - start + 1);
        return Outcome.Partial;
    }
}

namespace Nixery.Frontend.Tests;

/// <summary>The distribution-spec conformance suite's range cases on a 2048-byte blob, and RFC 9110's rules.</summary>
[Trait("Category", "Unit")]
public class ByteRangeTests
{
    private const long Size = 2048;

    [Theory]
    [InlineData("bytes=500-1499", 500, 1000)]
    [InlineData("bytes=500-", 500, 1548)]
    [InlineData("bytes=-500", 1548, 500)]
    [InlineData("bytes=2000-5000", 2000, 48)]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=-5000", 0, 2048)]
    public void Satisfiable_ranges(string header, long start, long length)
    {
        Assert.Equal(ByteRange.Outcome.Partial, ByteRange.Parse(header, Size, out var range));
        Assert.Equal(new ByteRange(start, length), range);
    }

    [Theory]
    [InlineData("bytes=500-0")]
    [InlineData("bytes=5000-10000")]
    [InlineData("bytes=2048-")]
    [InlineData("bytes=-0")]
    public void Unsatisfiable_ranges(string header) => Assert.Equal(ByteRange.Outcome.Unsatisfiable, ByteRange.Parse(header, Size, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-1")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=1-x")]
    public void Other_headers_give_the_whole_blob(string? header)
    {
        Assert.Equal(ByteRange.Outcome.Whole, ByteRange.Parse(header, Size, out var range));
        Assert.Equal(new ByteRange(0, Size), range);
    }
}

using System.Text;
using Nixery.Layering;

namespace Nixery.Tests.Layering;

[Trait("Category", "Unit")]

public class PopularityFileTests
{
    [Fact]
    public void Nixerys_format_is_read()
    {
        var popularity = PopularityFile.Parse("""{"glibc-2.40-66": 301234, "zlib-1.3.1": 40211}""");
        Assert.Equal(301234, popularity.Of("glibc-2.40-66"));
        Assert.Equal(1, popularity.Of("hello-2.12.1"));
    }

    [Fact]
    public void Written_files_list_names_in_order_as_Go_writes_maps() =>
        Assert.Equal("""{"a-1":3,"b-2":7,"c-1":2}""",
            PopularityFile.Format(new Popularity(new Dictionary<string, long> { ["c-1"] = 2, ["a-1"] = 3, ["b-2"] = 7 })));

    [Fact]
    public async Task What_is_written_reads_back_the_same()
    {
        var original = new Popularity(new Dictionary<string, long> { ["glibc-2.40-66"] = 301234, ["nss-cacert-3.107"] = 12 });
        using var stream = new MemoryStream();
        await PopularityFile.WriteAsync(stream, original, CancellationToken.None);
        stream.Position = 0;
        var read = await PopularityFile.ReadAsync(stream, CancellationToken.None);
        Assert.Equal(original.Counts.OrderBy(e => e.Key), read.Counts.OrderBy(e => e.Key));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("""{"glibc-2.40-66": "many"}""")]
    [InlineData("""{"glibc-2.40-66": 1.5}""")]
    [InlineData("{")]
    public async Task Anything_but_an_object_of_integer_counts_is_refused(string json)
    {
        Assert.Throws<FormatException>(() => PopularityFile.Parse(json));
        await Assert.ThrowsAsync<FormatException>(() => PopularityFile.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), CancellationToken.None));
    }
}

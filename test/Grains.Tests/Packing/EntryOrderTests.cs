using Nixery.Packing;

namespace Nixery.Tests.Packing;

[Trait("Category", "Unit")]

public class EntryOrderTests
{
    [Theory]
    [InlineData("a", "a/b")]        // a parent before its children
    [InlineData("a/b", "a-b")]      // the whole subtree of "a" before "a-b", though '-' < '/'
    [InlineData("a/z", "a.c")]
    [InlineData("B", "a")]          // bytes, not culture
    [InlineData("é", "Ａ")]          // U+00E9 < U+FF21
    [InlineData("Ａ", "😀")]         // U+FF21 < U+1F600 in UTF-8; UTF-16 code units say otherwise
    [InlineData("\uE000", "😀")]
    public void Entries_sort_by_components_in_UTF8_byte_order(string first, string second)
    {
        Assert.True(EntryOrder.Instance.Compare(first, second) < 0);
        Assert.True(EntryOrder.Instance.Compare(second, first) > 0);
    }

    [Fact]
    public void Equal_names_compare_equal() => Assert.Equal(0, EntryOrder.Instance.Compare("a/b", new string("a/b")));
}

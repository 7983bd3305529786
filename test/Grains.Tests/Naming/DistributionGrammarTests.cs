using Nixery.Naming;

namespace Nixery.Tests.Naming;

[Trait("Category", "Unit")]

public class DistributionGrammarTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("shell/git/htop")]
    [InlineData("python3packages.requests")]
    [InlineData("a_b/c__d/e--f")]
    public void Valid_names(string name) => Assert.True(DistributionGrammar.IsValidName(name));

    [Theory]
    [InlineData("")]
    [InlineData("Hello")]
    [InlineData("hello/")]
    [InlineData("/hello")]
    [InlineData("a//b")]
    [InlineData("-a")]
    [InlineData("a..b")]
    [InlineData("a___b")]
    [InlineData("a|b")]
    public void Invalid_names(string name) => Assert.False(DistributionGrammar.IsValidName(name));

    [Fact]
    public void Names_longer_than_255_characters_are_invalid() =>
        Assert.False(DistributionGrammar.IsValidName(string.Join("/", Enumerable.Repeat("abcdefghij", 24))));

    [Theory]
    [InlineData("latest")]
    [InlineData("v1.0")]
    [InlineData("_x")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public void Valid_tags(string tag) => Assert.True(DistributionGrammar.IsValidTag(tag));

    [Theory]
    [InlineData(".INVALID_MANIFEST_NAME")]
    [InlineData("-x")]
    [InlineData("a:b")]
    [InlineData("")]
    public void Invalid_tags(string tag) => Assert.False(DistributionGrammar.IsValidTag(tag));

    [Fact]
    public void Tags_longer_than_128_characters_are_invalid() =>
        Assert.False(DistributionGrammar.IsValidTag(new string('a', 129)));
}

using Nixery.Naming;

namespace Nixery.Tests.Naming;

[Trait("Category", "Unit")]

public class ImageNameParserTests
{
    private static readonly ImageNameParser Parser = new(new NamingOptions());

    [Fact]
    public void A_single_package_gets_the_default_packages()
    {
        Assert.Equal(["cacert", "hello", "iana-etc"], Parser.Parse("hello").Packages);
    }

    [Fact]
    public void Segment_order_does_not_change_the_packages()
    {
        Assert.Equal(Parser.Parse("git/htop").Packages, Parser.Parse("htop/git").Packages);
    }

    [Fact]
    public void Duplicates_are_removed()
    {
        Assert.Equal(["cacert", "hello", "iana-etc"], Parser.Parse("hello/hello/cacert").Packages);
    }

    [Fact]
    public void Shell_expands_to_the_shell_packages()
    {
        Assert.Equal(["bashInteractive", "cacert", "coreutils", "iana-etc", "moreutils", "nano"], Parser.Parse("shell").Packages);
    }

    [Fact]
    public void Shell_after_a_package_is_a_package_name()
    {
        Assert.Contains("shell", Parser.Parse("htop/shell").Packages);
        Assert.DoesNotContain("bashInteractive", Parser.Parse("htop/shell").Packages);
    }

    [Fact]
    public void Arm64_selects_the_platform_in_any_order_of_leading_meta_packages()
    {
        var selection = Parser.Parse("arm64/shell/hello");
        Assert.Equal(Platform.Arm64, selection.Platform);
        Assert.Equal(selection.Packages, Parser.Parse("shell/arm64/hello").Packages);
        Assert.DoesNotContain("arm64", selection.Packages);
    }

    [Fact]
    public void The_default_platform_is_amd64()
    {
        Assert.Equal(Platform.Amd64, Parser.Parse("hello").Platform);
    }

    [Fact]
    public void A_leading_digit_maps_to_an_underscore_prefixed_attribute()
    {
        Assert.Contains("_1password", Parser.Parse("1password").Packages);
    }

    [Fact]
    public void Dotted_segments_stay_attribute_paths()
    {
        Assert.Contains("python3packages.requests", Parser.Parse("python3packages.requests").Packages);
    }

    [Fact]
    public void Default_packages_are_configurable()
    {
        var parser = new ImageNameParser(new NamingOptions { DefaultPackages = [] });
        Assert.Equal(["hello"], parser.Parse("hello").Packages);
    }
}

using Nixery.Packing;

namespace Nixery.Tests.Packing;

[Trait("Category", "Unit")]

public class TarEntryTests
{
    [Theory]
    [InlineData("/nix/store")]
    [InlineData("nix/store/")]
    [InlineData("nix//store")]
    [InlineData("nix/../etc")]
    [InlineData("./nix")]
    [InlineData("")]
    public void Names_must_be_canonical_relative_paths(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => TarEntry.Directory(name, TarEntry.DirectoryMode));
    }

    [Fact]
    public void Modes_hold_only_permission_bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TarEntry.Directory("d", (UnixFileMode)0x1000));
    }

    [Fact]
    public void Symlinks_are_recorded_with_mode_0777()
    {
        Assert.Equal((UnixFileMode)Convert.ToInt32("777", 8), TarEntry.Symlink("l", "t").Mode);
    }

    [Fact]
    public void A_generated_file_is_as_large_as_its_content()
    {
        Assert.Equal(3, TarEntry.File("f", TarEntry.GeneratedFileMode, "abc"u8.ToArray()).Size);
    }
}

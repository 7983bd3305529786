using Nixery.Configuration;
using Nixery.Tests.Support;

namespace Nixery.Tests.Configuration;

/// <summary>The README's configuration table says what the code does: the same variables with the same defaults.</summary>
[Trait("Category", "Unit")]
public class ReadmeTests
{
    /// <summary>(variable, default cell) of each row of the table under "## Configuration".</summary>
    private static IReadOnlyList<(string Name, string Default)> ReadmeTable()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var section = lines.SkipWhile(l => l != "## Configuration").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        return section
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => (cells[1].Trim('`'), cells[2]))
            .ToArray();
    }

    [Fact]
    public void The_readme_table_lists_every_variable_of_the_code_and_no_other() =>
        Assert.Equal(EnvironmentVariables.All.Select(v => v.Name).Order(), ReadmeTable().Select(r => r.Name).Order());

    [Fact]
    public void The_readme_table_gives_each_variable_the_default_the_code_has()
    {
        var readme = ReadmeTable().ToDictionary(r => r.Name, r => r.Default);
        Assert.All(EnvironmentVariables.All, v => Assert.Equal((v.Name, v.Default.ReadmeCell), (v.Name, readme.GetValueOrDefault(v.Name))));
    }

    [Fact]
    public void Literal_defaults_are_the_options_classes_defaults() =>
        Assert.Equal("1200", EnvironmentVariables.Named("NIXERY_BUILD_TIMEOUT").Default.Text);
}

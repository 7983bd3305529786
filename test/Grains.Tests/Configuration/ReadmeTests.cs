using Nixery.Configuration;
using Nixery.Tests.Support;

namespace Nixery.Tests.Configuration;

public class ReadmeTests
{
    [Fact]
    public void Every_environment_variable_is_in_the_readme_configuration_table()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        Assert.All(EnvironmentVariables.All, v => Assert.Contains($"| `{v.Name}` |", readme));
    }
}

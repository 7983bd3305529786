using Nixery.Access;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class ResourceScopeTests
{
    [Fact]
    public void Parses_type_name_and_sorted_actions()
    {
        Assert.True(ResourceScope.TryParse("repository:shell/git:push,pull", out var scope));
        Assert.Equal("repository", scope.Type);
        Assert.Equal("shell/git", scope.Name);
        Assert.Equal(["pull", "push"], scope.Actions);
    }

    [Fact]
    public void A_name_with_a_port_keeps_its_colon()
    {
        Assert.True(ResourceScope.TryParse("repository:localhost:5000/shell:pull", out var scope));
        Assert.Equal("localhost:5000/shell", scope.Name);
        Assert.Equal(["pull"], scope.Actions);
    }

    [Fact]
    public void Reads_repeated_parameters_and_space_separated_scopes()
    {
        var scopes = ResourceScope.ParseAll(["repository:a:pull repository:b:pull", "repository:c:pull,push", null, ""]);
        Assert.Equal(["repository:a:pull", "repository:b:pull", "repository:c:pull,push"], scopes.Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("repository")]
    [InlineData("repository:shell")]
    [InlineData(":shell:pull")]
    [InlineData("repository::pull")]
    public void Skips_malformed_scopes(string text)
    {
        Assert.False(ResourceScope.TryParse(text, out _));
        Assert.Empty(ResourceScope.ParseAll([text]));
    }

    [Fact]
    public void Covers_only_the_same_resource_with_every_required_action()
    {
        var granted = new ResourceScope("repository", "shell", ["pull"]);
        Assert.True(granted.Covers(ResourceScope.PullOf("shell")));
        Assert.False(granted.Covers(ResourceScope.PullOf("shell/git")));
        Assert.False(granted.Covers(new ResourceScope("repository", "shell", ["pull", "push"])));
        Assert.False(new ResourceScope("registry", "shell", ["pull"]).Covers(ResourceScope.PullOf("shell")));
    }
}

using Nixery.Access;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class AccessPolicyTests
{
    private const string Yaml = """
        groups:
          platform: [alice, bob]
        operators: [group:platform]
        rules:
          - subjects: [group:platform]
            repositories: ["**"]
            build: true
          - subjects: ["*"]
            repositories: [shell, "shell/*"]
            tags: [latest, "v1.*"]
          - subjects: [carol]
            repositories: ["tools/**"]
            build: true
            tags: [stable]
        """;

    private static readonly AccessPolicy Policy = AccessPolicy.Parse(Yaml);

    [Fact]
    public void A_group_member_may_pull_and_build_anything()
    {
        Assert.Equal(new RepositoryPermission(true, true), Policy.Evaluate("alice", "python3packages.requests/git", "latest"));
        Assert.Equal(new RepositoryPermission(true, true), Policy.Evaluate("bob", "x", "some-branch"));
    }

    [Fact]
    public void Every_signed_in_user_may_pull_shell_images_at_listed_tags_but_not_build_them()
    {
        Assert.Equal(new RepositoryPermission(true, false), Policy.Evaluate("dave", "shell/htop", "latest"));
        Assert.Equal(new RepositoryPermission(true, false), Policy.Evaluate("dave", "shell", "v1.2"));
        Assert.Equal(RepositoryPermission.None, Policy.Evaluate("dave", "shell/htop", "main"));
    }

    [Fact]
    public void A_single_star_does_not_cross_path_segments()
    {
        Assert.False(Policy.MayPull("dave", "shell/git/htop"));
        Assert.False(Policy.MayPull("dave", "git"));
        Assert.True(Policy.MayPull("dave", "shell/git"));
    }

    [Fact]
    public void Rules_add_up_per_tag()
    {
        Assert.Equal(new RepositoryPermission(true, true), Policy.Evaluate("carol", "tools/jq", "stable"));
        Assert.Equal(RepositoryPermission.None, Policy.Evaluate("carol", "tools/jq", "latest"));
        Assert.Equal(new RepositoryPermission(true, false), Policy.Evaluate("carol", "shell/jq", "latest"));
    }

    [Fact]
    public void By_digest_only_the_repository_counts_and_nothing_is_built()
    {
        Assert.Equal(new RepositoryPermission(true, false), Policy.Evaluate("carol", "tools/jq", null));
        Assert.Equal(RepositoryPermission.None, Policy.Evaluate("carol", "secret/jq", null));
    }

    [Fact]
    public void Operators_come_from_groups_or_names()
    {
        Assert.True(Policy.IsOperator("alice"));
        Assert.False(Policy.IsOperator("carol"));
    }

    [Fact]
    public void Json_gives_the_same_policy()
    {
        var json = AccessPolicy.Parse("""
            {"groups": {"platform": ["alice"]},
             "rules": [{"subjects": ["group:platform"], "repositories": ["**"], "build": true},
                       {"subjects": ["*"], "repositories": ["shell"], "tags": ["latest"]}]}
            """);
        Assert.Equal(new RepositoryPermission(true, true), json.Evaluate("alice", "a/b", "x"));
        Assert.Equal(new RepositoryPermission(true, false), json.Evaluate("zoe", "shell", "latest"));
        Assert.Equal(RepositoryPermission.None, json.Evaluate("zoe", "shell/git", "latest"));
    }

    [Theory]
    [InlineData("rules:\n  - subjects: [a]\n    repository: [x]\n", "")]            // a typo of a key
    [InlineData("rules:\n  - subjects: [a]\n", "names no repositories")]
    [InlineData("rules:\n  - repositories: [x]\n", "names no subjects")]
    [InlineData("rules:\n  - subjects: [group:nobody]\n    repositories: [x]\n", "group:nobody is not defined")]
    public void Mistakes_are_refused_not_ignored(string text, string problem)
    {
        var error = Assert.Throws<FormatException>(() => AccessPolicy.Parse(text));
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("**", "a/b/c", true)]
    [InlineData("a/**", "a/b/c", true)]
    [InlineData("a/**", "a", false)]
    [InlineData("a/*", "a/b", true)]
    [InlineData("a/*", "a/b/c", false)]
    [InlineData("*", "", true)]
    [InlineData("v1.*", "v1.20", true)]
    [InlineData("v1.*", "v2.0", false)]
    [InlineData("python3packages.*", "python3packages.requests", true)]
    [InlineData("exact", "exact", true)]
    [InlineData("exact", "exactly", false)]
    public void Name_patterns(string pattern, string name, bool matches) => Assert.Equal(matches, NamePattern.Matches(pattern, name));
}

using Nixery.Access;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class HtpasswdTests
{
    // Written by `htpasswd -nbB alice 's3cret pass'` and `htpasswd -nbB bob hunter2` (apache2-utils).
    private const string File = """
        # platform team
        alice:$2y$05$S0iKKyCnIzQdei9nvD0ve.Ytg9fjMcZwjShVc3QtdTbf18j75HgeO

        bob:$2y$05$NcdxCBY4EzkYH1Nct4cbz.lC1WJpLKUxRQMzc2WGcGPgD2a.6zlgK
        """;

    [Fact]
    public void Accepts_the_password_htpasswd_hashed()
    {
        var users = Htpasswd.Parse(File);
        Assert.True(users.Verify("alice", "s3cret pass"));
        Assert.True(users.Verify("bob", "hunter2"));
    }

    [Fact]
    public void Refuses_a_wrong_password_an_unknown_user_and_another_users_password()
    {
        var users = Htpasswd.Parse(File);
        Assert.False(users.Verify("alice", "s3cret"));
        Assert.False(users.Verify("mallory", "s3cret pass"));
        Assert.False(users.Verify("alice", "hunter2"));
        Assert.False(users.Verify("alice", ""));
    }

    [Fact]
    public void Skips_comments_and_blank_lines_and_tolerates_crlf()
    {
        var users = Htpasswd.Parse(File.Replace("\n", "\r\n"));
        Assert.Equal(["alice", "bob"], users.Users.Order());
        Assert.True(users.Verify("bob", "hunter2"));
    }

    [Theory]
    [InlineData("carol:$apr1$L/Rwpg.P$v/rZ7HmG6Y8rdcDts8xly0", "not bcrypt")] // htpasswd -m
    [InlineData("carol:{SHA}BuW0NYmK8IDp4aWHMOUKKbbrqpo=", "not bcrypt")]
    [InlineData("carol:plaintext", "not bcrypt")]
    [InlineData("no colon here", "expected user:hash")]
    public void Refuses_entries_that_are_not_bcrypt(string line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => Htpasswd.Parse(line));
        Assert.Contains(problem, error.Message);
        Assert.StartsWith("line 1:", error.Message);
    }

    [Fact]
    public void Refuses_a_user_listed_twice()
    {
        var error = Assert.Throws<FormatException>(() => Htpasswd.Parse(File + "\nalice:$2y$05$NcdxCBY4EzkYH1Nct4cbz.lC1WJpLKUxRQMzc2WGcGPgD2a.6zlgK"));
        Assert.Contains("'alice' is listed twice", error.Message);
    }
}

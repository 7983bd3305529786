using Nixery.Access;

namespace Nixery.Tests.Access;

[Trait("Category", "Unit")]
public class AccessControlTests
{
    // `htpasswd -nbB alice 's3cret pass'`
    private static readonly Htpasswd Users = Htpasswd.Parse("alice:$2y$05$S0iKKyCnIzQdei9nvD0ve.Ytg9fjMcZwjShVc3QtdTbf18j75HgeO");

    private static readonly AccessPolicy Policy = AccessPolicy.Parse("""
        rules:
          - subjects: [alice]
            repositories: ["shell/**"]
            build: true
        """);

    [Fact]
    public void A_token_grants_pull_on_what_the_policy_allows_and_never_push()
    {
        var control = new AccessControl(Users, Policy, AnonymousAccess.None);
        var granted = control.Grant("alice", ResourceScope.ParseAll(["repository:shell/git:pull,push repository:secret:pull registry:catalog:*"]));
        Assert.Equal(["repository:shell/git:pull"], granted.Select(s => s.ToString()));
    }

    [Fact]
    public void Anonymous_clients_get_nothing_by_default()
    {
        var control = new AccessControl(Users, Policy, AnonymousAccess.None);
        Assert.False(control.AllowsAnonymous);
        Assert.Empty(control.Grant(AccessControl.AnonymousSubject, [ResourceScope.PullOf("shell/git")]));
        Assert.Equal(RepositoryPermission.None, control.Permission(AccessControl.AnonymousSubject, "shell/git", "latest"));
    }

    [Fact]
    public void Cached_lets_anonymous_clients_pull_but_never_build()
    {
        var control = new AccessControl(Users, Policy, AnonymousAccess.Cached);
        Assert.Equal(["repository:secret:pull"], control.Grant("", [ResourceScope.PullOf("secret")]).Select(s => s.ToString()));
        Assert.Equal(new RepositoryPermission(true, false), control.Permission("", "secret", "latest"));
    }

    [Fact]
    public void All_lets_anonymous_clients_pull_and_build()
    {
        var control = new AccessControl(Users, Policy, AnonymousAccess.All);
        Assert.Equal(new RepositoryPermission(true, true), control.Permission("", "anything", "latest"));
    }

    [Fact]
    public void Authentication_needs_a_known_user_and_their_password()
    {
        var control = new AccessControl(Users, Policy, AnonymousAccess.Cached);
        Assert.True(control.Authenticate("alice", "s3cret pass"));
        Assert.False(control.Authenticate("alice", "wrong"));
        Assert.False(control.Authenticate("", "s3cret pass"));
    }

    [Fact]
    public void Without_a_policy_file_every_user_may_do_everything_and_is_an_operator()
    {
        var control = new AccessControl(Users, AccessPolicy.AllowAll, AnonymousAccess.None);
        Assert.Equal(new RepositoryPermission(true, true), control.Permission("alice", "x/y", "main"));
        Assert.True(control.IsOperator("alice"));
        Assert.False(control.IsOperator(AccessControl.AnonymousSubject));
    }
}

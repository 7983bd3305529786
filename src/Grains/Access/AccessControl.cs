namespace Nixery.Access;

/// <summary>
/// The registry's access decisions in one place: who a client is
/// (<see cref="Htpasswd"/>), what a token for them may grant, and what they
/// may do with a repository at a tag (<see cref="AccessPolicy"/> for users,
/// <see cref="AnonymousAccess"/> for everyone else). The subject of an
/// anonymous client is the empty string, as in distribution's tokens.
/// </summary>
public sealed class AccessControl(Htpasswd users, AccessPolicy policy, AnonymousAccess anonymous)
{
    public const string AnonymousSubject = "";

    public bool Authenticate(string user, string password) => user.Length > 0 && users.Verify(user, password);

    /// <summary>Whether a user still exists (a refresh token outlives nothing it was issued to).</summary>
    public bool IsUser(string user) => users.Contains(user);

    public bool AllowsAnonymous => anonymous != AnonymousAccess.None;

    /// <summary>
    /// The part of <paramref name="requested"/> the subject may have: pull
    /// on repositories they may read, nothing else (the registry is
    /// read-only, so push and delete are never granted).
    /// </summary>
    public IReadOnlyList<ResourceScope> Grant(string subject, IReadOnlyList<ResourceScope> requested)
    {
        var granted = new List<ResourceScope>();
        foreach (var scope in requested)
        {
            if (scope.Type != ResourceScope.Repository || !scope.Actions.Contains(ResourceScope.Pull)) continue;
            if (Permission(subject, scope.Name, tag: null).Pull) granted.Add(ResourceScope.PullOf(scope.Name));
        }
        return granted;
    }

    /// <summary>What the subject may do with the repository; <paramref name="tag"/> null for a request by digest.</summary>
    public RepositoryPermission Permission(string subject, string repository, string? tag)
    {
        if (subject == AnonymousSubject)
        {
            return anonymous switch
            {
                AnonymousAccess.All => new RepositoryPermission(Pull: true, Build: true),
                AnonymousAccess.Cached => new RepositoryPermission(Pull: true, Build: false),
                _ => RepositoryPermission.None,
            };
        }
        return policy.Evaluate(subject, repository, tag);
    }

    public bool IsOperator(string subject) => subject != AnonymousSubject && policy.IsOperator(subject);
}

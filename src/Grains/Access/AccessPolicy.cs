using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Nixery.Access;

/// <summary>
/// One rule of a policy: who (user names, <c>group:&lt;name&gt;</c>, or
/// <c>*</c> for every signed-in user) may pull which repositories (name
/// patterns: <c>*</c> within a path segment, <c>**</c> across segments), at
/// which tags or revisions (patterns; all when none are given), and whether
/// a pull may start a build of an image that does not exist yet.
/// </summary>
public sealed class AccessRule
{
    public List<string> Subjects { get; set; } = [];
    public List<string> Repositories { get; set; } = [];
    public List<string>? Tags { get; set; }
    public bool Build { get; set; }
}

/// <summary>
/// Who may pull and build what, for signed-in users (anonymous clients are
/// governed by <see cref="AnonymousAccess"/>). Rules add up: a user may do
/// what any rule that names them allows. A policy file is YAML or JSON:
/// <code>
/// groups:
///   platform: [alice, bob]
/// operators: [group:platform]
/// rules:
///   - subjects: [group:platform]
///     repositories: ["**"]
///     build: true
///   - subjects: ["*"]
///     repositories: [shell, "shell/**"]
///     tags: [latest]
/// </code>
/// </summary>
public sealed class AccessPolicy
{
    public Dictionary<string, List<string>> Groups { get; set; } = [];
    public List<AccessRule> Rules { get; set; } = [];

    /// <summary>Who may see the operator pages (recent builds and failures).</summary>
    public List<string> Operators { get; set; } = [];

    /// <summary>Without a policy file every signed-in user may pull and build anything and is an operator.</summary>
    public static AccessPolicy AllowAll => new()
    {
        Rules = [new AccessRule { Subjects = ["*"], Repositories = ["**"], Build = true }],
        Operators = ["*"],
    };

    /// <summary>Reads YAML or JSON (JSON is YAML); unknown keys are errors, so a typo never silently widens or narrows access.</summary>
    public static AccessPolicy Parse(string text)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        AccessPolicy policy;
        try
        {
            policy = deserializer.Deserialize<AccessPolicy?>(text) ?? new AccessPolicy();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }
        foreach (var (rule, index) in policy.Rules.Select((r, i) => (r, i + 1)))
        {
            if (rule.Subjects.Count == 0) throw new FormatException($"rule {index}: names no subjects");
            if (rule.Repositories.Count == 0) throw new FormatException($"rule {index}: names no repositories");
            foreach (var subject in rule.Subjects.Where(s => s.StartsWith("group:", StringComparison.Ordinal)))
                if (!policy.Groups.ContainsKey(subject["group:".Length..]))
                    throw new FormatException($"rule {index}: {subject} is not defined under groups");
        }
        return policy;
    }

    public static AccessPolicy Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>What <paramref name="user"/> may do with <paramref name="repository"/>; <paramref name="tag"/> null for requests by digest.</summary>
    public RepositoryPermission Evaluate(string user, string repository, string? tag)
    {
        var rules = Rules.Where(r => Names(r.Subjects, user) && r.Repositories.Any(p => NamePattern.Matches(p, repository))).ToArray();
        if (rules.Length == 0) return RepositoryPermission.None;
        if (tag is null) return new RepositoryPermission(Pull: true, Build: false);
        var forTag = rules.Where(r => r.Tags is null || r.Tags.Any(p => NamePattern.Matches(p, tag))).ToArray();
        return new RepositoryPermission(Pull: forTag.Length > 0, Build: forTag.Any(r => r.Build));
    }

    /// <summary>Whether the user may pull anything from the repository at all (what a token's scope grants).</summary>
    public bool MayPull(string user, string repository) => Evaluate(user, repository, null).Pull;

    public bool IsOperator(string user) => Names(Operators, user);

    private bool Names(IEnumerable<string> subjects, string user) => subjects.Any(s =>
        s == "*" || s == user
        || s.StartsWith("group:", StringComparison.Ordinal) && Groups.TryGetValue(s["group:".Length..], out var members) && members.Contains(user));
}

/// <summary>May pull (manifests and blobs); may start a build of an image that is not built yet.</summary>
public sealed record RepositoryPermission(bool Pull, bool Build)
{
    public static readonly RepositoryPermission None = new(false, false);
}

/// <summary>Glob patterns over repository names and tags: <c>*</c> stays within a path segment, <c>**</c> crosses them.</summary>
public static class NamePattern
{
    public static bool Matches(string pattern, string value) => Match(pattern.AsSpan(), value.AsSpan());

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value)
    {
        while (pattern.Length > 0)
        {
            if (pattern.StartsWith("**"))
            {
                var rest = pattern[2..];
                for (var i = 0; i <= value.Length; i++)
                    if (Match(rest, value[i..])) return true;
                return false;
            }
            if (pattern[0] == '*')
            {
                var rest = pattern[1..];
                for (var i = 0; i <= value.Length; i++)
                {
                    if (Match(rest, value[i..])) return true;
                    if (i < value.Length && value[i] == '/') return false;
                }
                return false;
            }
            if (value.Length == 0 || pattern[0] != value[0]) return false;
            pattern = pattern[1..];
            value = value[1..];
        }
        return value.Length == 0;
    }
}

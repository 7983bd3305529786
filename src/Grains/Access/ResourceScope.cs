namespace Nixery.Access;

/// <summary>
/// A token scope of the distribution token specification:
/// <c>repository:shell/hello:pull,push</c>. The name may itself hold a
/// colon (a registry host with a port), so the type ends at the first colon
/// and the actions start after the last.
/// </summary>
public sealed record ResourceScope(string Type, string Name, IReadOnlyList<string> Actions)
{
    public const string Repository = "repository";
    public const string Pull = "pull";

    public static ResourceScope PullOf(string repository) => new(Repository, repository, [Pull]);

    /// <summary>
    /// Every scope in the given <c>scope</c> parameters. A client may send
    /// the parameter more than once and may also put several scopes into one,
    /// separated by spaces (OAuth2's form); anything malformed is skipped, as
    /// distribution's token servers skip it.
    /// </summary>
    public static IReadOnlyList<ResourceScope> ParseAll(IEnumerable<string?> parameters)
    {
        var scopes = new List<ResourceScope>();
        foreach (var parameter in parameters)
        {
            if (string.IsNullOrEmpty(parameter)) continue;
            foreach (var item in parameter.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (TryParse(item, out var scope)) scopes.Add(scope);
        }
        return scopes;
    }

    public static bool TryParse(string text, out ResourceScope scope)
    {
        scope = null!;
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        if (first <= 0 || last == first) return false;
        var type = text[..first];
        var name = text[(first + 1)..last];
        if (name.Length == 0) return false;
        var actions = text[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        scope = new ResourceScope(type, name, actions);
        return true;
    }

    public bool Covers(ResourceScope required) =>
        Type == required.Type && Name == required.Name && required.Actions.All(a => Actions.Contains(a));

    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";
}

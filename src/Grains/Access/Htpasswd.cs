namespace Nixery.Access;

/// <summary>
/// Users and their bcrypt password hashes, as <c>htpasswd -B</c> writes them
/// (<c>user:$2y$05$…</c>, one a line). Other hash schemes (MD5 "apr1", SHA-1,
/// crypt, plain text) are refused when the file is read rather than accepted
/// weakly: distribution's htpasswd support does the same.
/// </summary>
public sealed class Htpasswd
{
    private readonly Dictionary<string, string> _hashes;

    /// <summary>
    /// A real bcrypt hash checked when the user is unknown, so that a wrong
    /// user name costs as much time as a wrong password and names cannot be
    /// probed by timing.
    /// </summary>
    private static readonly string DecoyHash = BCrypt.Net.BCrypt.HashPassword("nixery decoy", workFactor: 5);

    private Htpasswd(Dictionary<string, string> hashes) => _hashes = hashes;

    public IReadOnlyCollection<string> Users => _hashes.Keys;

    public static Htpasswd Parse(string text)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            number++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"line {number}: expected user:hash");
            var user = line[..colon];
            var hash = line[(colon + 1)..];
            if (!IsBcrypt(hash))
                throw new FormatException($"line {number}: the hash of '{user}' is not bcrypt; create entries with htpasswd -B");
            if (!hashes.TryAdd(user, hash)) throw new FormatException($"line {number}: '{user}' is listed twice");
        }
        return new Htpasswd(hashes);
    }

    public static Htpasswd Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>True when the user exists and the password is theirs.</summary>
    public bool Verify(string user, string password)
    {
        var known = _hashes.TryGetValue(user, out var hash);
        bool matches;
        try
        {
            matches = BCrypt.Net.BCrypt.Verify(password, hash ?? DecoyHash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            matches = false;
        }
        return known && matches;
    }

    public bool Contains(string user) => _hashes.ContainsKey(user);

    private static bool IsBcrypt(string hash) =>
        hash.Length == 60 && (hash.StartsWith("$2y$") || hash.StartsWith("$2a$") || hash.StartsWith("$2b$"));
}

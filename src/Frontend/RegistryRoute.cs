namespace Nixery.Frontend;

/// <summary>
/// A parsed <c>/v2/…</c> path. Repository names contain slashes, so the
/// resource is found from the right: <c>&lt;name&gt;/manifests/&lt;reference&gt;</c>,
/// <c>&lt;name&gt;/blobs/&lt;digest&gt;</c>, <c>&lt;name&gt;/tags/list</c>,
/// <c>&lt;name&gt;/referrers/&lt;digest&gt;</c>, uploads.
/// </summary>
public abstract record RegistryRoute
{
    public sealed record Base : RegistryRoute;

    public sealed record Manifest(string Name, string Reference) : RegistryRoute;

    public sealed record Blob(string Name, string Digest) : RegistryRoute;

    public sealed record Tags(string Name) : RegistryRoute;

    /// <summary>Artifacts whose subject is the manifest <paramref name="Digest"/> (distribution-spec 1.1).</summary>
    public sealed record Referrers(string Name, string Digest) : RegistryRoute;

    /// <summary>Blob uploads (push): recognised so they can be refused properly.</summary>
    public sealed record Upload(string Name) : RegistryRoute;

    public sealed record Unknown(string Path) : RegistryRoute;

    /// <param name="path">
    /// The part after <c>/v2/</c>, without query; a span of the request path, so that
    /// the only strings made are the route's own parts.
    /// </param>
    public static RegistryRoute Parse(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty) return new Base();
        if (Resource(path, "/manifests/") is var (name, reference)) return new Manifest(name, reference);

        var uploads = path.IndexOf("/blobs/uploads", StringComparison.Ordinal);
        if (uploads > 0) return new Upload(path[..uploads].ToString());

        if (Resource(path, "/blobs/") is var (blobName, digest)) return new Blob(blobName, digest);
        if (Resource(path, "/referrers/") is var (subjectName, subject)) return new Referrers(subjectName, subject);

        if (path.EndsWith("/tags/list", StringComparison.Ordinal) && path.Length > "/tags/list".Length)
            return new Tags(path[..^"/tags/list".Length].ToString());

        return new Unknown(path.ToString());
    }

    /// <summary><c>&lt;name&gt;&lt;marker&gt;&lt;last segment&gt;</c>, found from the right: names contain slashes, the last segment none.</summary>
    private static (string Name, string Last)? Resource(ReadOnlySpan<char> path, string marker)
    {
        var at = path.LastIndexOf(marker, StringComparison.Ordinal);
        if (at <= 0) return null;
        var last = path[(at + marker.Length)..];
        if (last.IsEmpty || last.Contains('/')) return null;
        return (path[..at].ToString(), last.ToString());
    }
}

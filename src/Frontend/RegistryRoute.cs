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

    /// <param name="path">The part after <c>/v2/</c>, without query.</param>
    public static RegistryRoute Parse(string path)
    {
        if (path.Length == 0) return new Base();
        var manifests = path.LastIndexOf("/manifests/", StringComparison.Ordinal);
        if (manifests > 0 && manifests + "/manifests/".Length < path.Length && path.IndexOf('/', manifests + "/manifests/".Length) < 0)
            return new Manifest(path[..manifests], path[(manifests + "/manifests/".Length)..]);

        var uploads = path.IndexOf("/blobs/uploads", StringComparison.Ordinal);
        if (uploads > 0) return new Upload(path[..uploads]);

        var blobs = path.LastIndexOf("/blobs/", StringComparison.Ordinal);
        if (blobs > 0 && blobs + "/blobs/".Length < path.Length && path.IndexOf('/', blobs + "/blobs/".Length) < 0)
            return new Blob(path[..blobs], path[(blobs + "/blobs/".Length)..]);

        var referrers = path.LastIndexOf("/referrers/", StringComparison.Ordinal);
        if (referrers > 0 && referrers + "/referrers/".Length < path.Length && path.IndexOf('/', referrers + "/referrers/".Length) < 0)
            return new Referrers(path[..referrers], path[(referrers + "/referrers/".Length)..]);

        if (path.EndsWith("/tags/list", StringComparison.Ordinal) && path.Length > "/tags/list".Length)
            return new Tags(path[..^"/tags/list".Length]);

        return new Unknown(path);
    }
}

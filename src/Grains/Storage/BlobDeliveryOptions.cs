namespace Nixery.Storage;

/// <summary>
/// How an object-storage backend hands a blob to a client: a redirect to a
/// short-lived signed URL, so blob bytes bypass the registry, or a proxy that
/// streams the bytes through the registry (when the operator asks for it, or
/// when the backend has no key to sign with).
/// </summary>
public sealed class BlobDeliveryOptions
{
    /// <summary><c>NIXERY_STORAGE_REDIRECTS</c>.</summary>
    public bool Redirects { get; set; } = true;

    /// <summary>
    /// <c>NIXERY_REDIRECT_LIFETIME</c>: seconds a signed URL stays valid.
    /// Nixery's 5 minutes: long enough for a client to start a large layer
    /// (a download that has started is not cut off when the URL expires).
    /// </summary>
    public int RedirectLifetimeSeconds { get; set; } = 300;

    public TimeSpan RedirectLifetime => TimeSpan.FromSeconds(RedirectLifetimeSeconds);

    /// <summary>
    /// <c>NIXERY_REDIRECT_RECHECK</c>: seconds a blob named by a cached
    /// manifest is redirected to without asking storage whether it is still
    /// there. Then the next request asks again (one request per blob per
    /// interval), so a blob storage lost is stored again within this time of
    /// being asked for, instead of being redirected to for as long as the
    /// manifest stays cached.
    /// </summary>
    public int RedirectRecheckSeconds { get; set; } = 60;

    public TimeSpan RedirectRecheck => TimeSpan.FromSeconds(RedirectRecheckSeconds);
}

namespace Nixery.Storage;

/// <summary>The Google Cloud Storage backend's settings (Nixery's variable names).</summary>
public sealed class GcsStorageOptions
{
    /// <summary><c>GCS_BUCKET</c>.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>
    /// <c>GOOGLE_APPLICATION_CREDENTIALS</c>: a service-account key file. It
    /// authenticates API calls and signs redirect URLs; without it API calls
    /// use Application Default Credentials and blobs are proxied.
    /// </summary>
    public string CredentialsFile { get; set; } = "";

    /// <summary>
    /// <c>NIXERY_GCS_ENDPOINT</c>: the JSON API's base URI (…/storage/v1/)
    /// for a server other than Google's; signed URLs then name its host too.
    /// </summary>
    public string Endpoint { get; set; } = "";
}

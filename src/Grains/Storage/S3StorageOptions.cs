namespace Nixery.Storage;

/// <summary>
/// The S3 backend's settings, named as in Nixery's S3 backend. Credentials
/// come from the AWS SDK's own chain (AWS_ACCESS_KEY_ID and
/// AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance roles).
/// </summary>
public sealed class S3StorageOptions
{
    /// <summary><c>S3_BUCKET</c>.</summary>
    public string Bucket { get; set; } = "";

    /// <summary><c>AWS_REGION</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary><c>S3_USE_PRESIGNED_URLS</c>: redirect to presigned GET URLs (else proxy).</summary>
    public bool UsePresignedUrls { get; set; } = true;

    /// <summary>
    /// <c>NIXERY_S3_ENDPOINT</c>: an S3-compatible server (MinIO, R2, Ceph,
    /// s3rver). Addressed path-style, since such servers rarely resolve
    /// bucket subdomains.
    /// </summary>
    public string Endpoint { get; set; } = "";
}

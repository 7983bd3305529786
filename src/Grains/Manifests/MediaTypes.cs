namespace Nixery.Manifests;

/// <summary>Every media type the registry reads or writes, in one place.</summary>
public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>The config of an artifact manifest that has none (image-spec 1.1): the two bytes <c>{}</c>.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    /// <summary>An SPDX SBOM in JSON: the artifact type of the SBOM referrer and the media type of its one blob.</summary>
    public const string SpdxJson = "application/spdx+json";

    /// <summary>Blobs are served as opaque bytes, as distribution does.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>Registry error bodies and other JSON answers.</summary>
    public const string Json = "application/json";

    public const string Html = "text/html; charset=utf-8";

    public static bool IsManifest(string mediaType) => mediaType is DockerManifest or OciManifest;
}

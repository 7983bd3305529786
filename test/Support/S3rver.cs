namespace Nixery.Tests.Support;

/// <summary>
/// s3rver (npm), an S3-compatible server on the local filesystem: the one
/// at <c>NIXERY_TEST_S3</c> (an endpoint URL), else one started here on a
/// free port. It checks SigV4 signatures and presigned-URL expiry with its
/// fixed credentials, but ignores conditional writes and cannot abort or
/// list multipart uploads.
/// </summary>
public sealed class S3rver : IAsyncDisposable
{
    /// <summary>s3rver's built-in credentials (access key and secret alike).</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly ServerProcess? _process;
    private readonly string? _directory;

    private S3rver(string endpoint, ServerProcess? process, string? directory)
    {
        Endpoint = endpoint;
        _process = process;
        _directory = directory;
    }

    public string Endpoint { get; }

    public static async Task<S3rver> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("NIXERY_TEST_S3") is { Length: > 0 } shared) return new S3rver(shared.TrimEnd('/'), null, null);
        var port = FreePorts.Lease();
        var directory = Directory.CreateTempSubdirectory("nixery-s3rver-").FullName;
        var process = await ServerProcess.StartAsync(await NodeTools.BinAsync("s3rver"),
            ["--address", "127.0.0.1", "--port", port.ToString(), "--directory", directory, "--silent"], port.Port, port);
        return new S3rver($"http://127.0.0.1:{port.Port}", process, directory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}

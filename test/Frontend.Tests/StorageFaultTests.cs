using System.Net;
using Nixery.Tests.Support;

namespace Nixery.Frontend.Tests;

/// <summary>
/// A fault of the registry's own storage reaches the client as one line of
/// what failed, never as the exception Orleans wraps it in: that message
/// holds the inner exception's stack trace (file paths, storage keys, and on
/// object storage the endpoint), which a clean CI run once returned in a 500
/// when a layer's state could not be written.
/// </summary>
public class StorageFaultTests(StorageFaultTests.Registry registry) : IClassFixture<StorageFaultTests.Registry>
{
    public sealed class Registry : RegistryCluster;

    [Fact]
    public async Task A_layer_whose_state_cannot_be_written_fails_the_pull_with_one_line_and_no_stack_trace()
    {
        // Where layer grains keep their state, a file: every read and write of it fails.
        var layers = Path.Combine(registry.StoragePath, "documents", "grains", "registry", "layer");
        Directory.CreateDirectory(Path.GetDirectoryName(layers)!);
        await File.WriteAllTextAsync(layers, "not a directory");

        using var response = await registry.Http.GetAsync("/v2/hello/manifests/latest");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        var (_, message) = await response.ErrorAsync();
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain("Exc level", body);
    }
}

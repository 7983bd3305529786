using Nixery.Nix;
using Nixery.Tests.Support;

namespace Nixery.Tests.Nix;

/// <summary>
/// Package sets nobody reviewed, evaluated and built by the registry's Nix
/// calls: they see no secrets of the registry's environment, read no file
/// outside their source, and build in the sandbox.
/// </summary>
public class NixConfinementTests
{
    /// <summary>The demo package set with <paramref name="overrides"/> (Nix attributes) on top, as a source revision.</summary>
    private static async Task<SourceRevision> PackageSetAsync(TemporaryDirectory directory, string overrides)
    {
        File.Copy(Path.Combine(Repository.DemoPackageSet, "default.nix"), directory.Combine("demo.nix"));
        await File.WriteAllTextAsync(directory.Combine("default.nix"), $$"""
            { system ? builtins.currentSystem }:
            let demo = import ./demo.nix { inherit system; };
            in demo // {
            {{overrides}}
            }
            """);
        var storePath = await NixFixtures.Builder().ImportPathAsync(directory.Path, CancellationToken.None);
        return new SourceRevision("path", Path.GetFileName(storePath), System.Text.Json.JsonSerializer.Serialize(new { type = "path", path = storePath }));
    }

    private static async Task<string> EvaluationErrorAsync(SourceRevision source, string package)
    {
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() =>
            NixFixtures.Builder().SelectAsync(source, [package], Platform.Amd64, CancellationToken.None));
        return failure.Error.Message;
    }

    [Fact]
    public async Task A_package_set_cannot_read_the_registrys_environment()
    {
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable("MY_SECRET_KEY", secret);
        using var directory = new TemporaryDirectory();
        var source = await PackageSetAsync(directory, """cacert = abort ("k=" + builtins.getEnv "MY_SECRET_KEY");""");
        var message = await EvaluationErrorAsync(source, "cacert");
        Assert.Contains("k=", message);
        Assert.DoesNotContain(secret, message);
    }

    [Fact]
    public async Task Files_outside_the_source_cannot_be_read()
    {
        using var outside = new TemporaryDirectory();
        var secret = "outside-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(outside.Combine("secret.txt"), secret);
        using var directory = new TemporaryDirectory();
        var source = await PackageSetAsync(directory, $$"""
            passwd = abort (builtins.readFile /etc/passwd);
            outside = abort (builtins.readFile {{outside.Combine("secret.txt")}});
            """);

        var passwd = await EvaluationErrorAsync(source, "passwd");
        Assert.DoesNotContain("root:x:0:0", passwd);
        Assert.Contains("forbidden in restricted mode", passwd);
        var other = await EvaluationErrorAsync(source, "outside");
        Assert.DoesNotContain(secret, other);
        Assert.Contains("forbidden in restricted mode", other);
    }

    [Fact]
    public async Task Builds_run_in_the_sandbox_where_the_host_supports_it()
    {
        // The tests' nix.conf turns the sandbox off; the registry's own settings win.
        var (sandbox, _) = await new NixConfinement(new Nixery.Processes.CommandRunner(Microsoft.Extensions.Logging.Abstractions.NullLogger<Nixery.Processes.CommandRunner>.Instance), new NixOptions()).HostAsync();
        Assert.True(sandbox, "this machine supports Nix's sandbox (unshare works as root)");

        using var directory = new TemporaryDirectory();
        var source = await PackageSetAsync(directory, $$"""
            probe = derivation {
              name = "sandbox-probe-{{Guid.NewGuid():N}}";
              inherit system;
              builder = "${demo.busybox}/bin/busybox";
              args = [ "sh" "-c" "if [ -e /usr/bin/busybox ]; then echo host; else echo sandboxed; fi > $out" ];
            };
            """);
        using var roots = new TemporaryDirectory();
        var builder = NixFixtures.Builder();
        var selection = await builder.SelectAsync(source, ["probe"], Platform.Amd64, CancellationToken.None);
        await builder.RealiseAsync(selection.Found.Single().Outputs, roots.Path, CancellationToken.None);
        Assert.Equal("sandboxed", (await File.ReadAllTextAsync(selection.Found.Single().Outputs.Single().Path)).Trim());
    }
}

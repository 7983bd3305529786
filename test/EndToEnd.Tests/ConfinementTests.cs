using System.Net;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// What an anonymous client can get out of the real registry process: not
/// the secrets of its environment through a hostile package set, not the
/// credentials of its package source, and not a build of a revision only a
/// pull request points at.
/// </summary>
public class ConfinementTests
{
    [Fact]
    public async Task A_package_set_reading_the_registrys_environment_gets_nothing_secret()
    {
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        using var packages = new TemporaryDirectory();
        File.Copy(Path.Combine(Repository.DemoPackageSet, "default.nix"), packages.Combine("demo.nix"));
        await File.WriteAllTextAsync(packages.Combine("default.nix"), """
            { system ? builtins.currentSystem }:
            (import ./demo.nix { inherit system; }) // { cacert = abort ("k=" + builtins.getEnv "MY_SECRET_KEY"); }
            """);
        using var storage = new TemporaryDirectory();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = packages.Path,
            ["MY_SECRET_KEY"] = secret,
            ["Logging__LogLevel__Default"] = "Debug",
        });
        await registry.StartAsync();
        using var http = registry.Http();

        using var response = await http.GetAsync("/v2/hello/manifests/latest");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("k=", body);
        Assert.DoesNotContain(secret, body);
        Assert.DoesNotContain(secret, registry.Log);
    }

    [Fact]
    public async Task Credentials_in_the_repository_url_reach_no_client_no_log_and_no_command_line()
    {
        var token = "tok" + Guid.NewGuid().ToString("N");
        using var tools = new TemporaryDirectory();
        var calls = tools.Combine("git-calls.log");
        // Records every command line git gets, as /proc/<pid>/cmdline shows it to any user.
        await File.WriteAllTextAsync(tools.Combine("git"), $"#!/bin/sh\ntr '\\0' ' ' < /proc/$$/cmdline >> '{calls}'; echo >> '{calls}'\nexec /usr/bin/git \"$@\"\n");
        File.SetUnixFileMode(tools.Combine("git"), (UnixFileMode)0b111_101_101);
        using var storage = new TemporaryDirectory();
        // Held for the whole test: nothing listens there.
        using var closed = FreePorts.Lease();
        await using var registry = new RegistryProcess(storage.Path, new Dictionary<string, string>
        {
            ["NIXERY_PKGS_PATH"] = "",
            ["NIXERY_PKGS_REPO"] = $"https://user:{token}@127.0.0.1:{closed.Port}/repo?access_token={token}",
            ["PATH"] = $"{tools.Path}:{Environment.GetEnvironmentVariable("PATH")}",
            ["Logging__LogLevel__Default"] = "Debug",
        });
        await registry.StartAsync();
        using var http = registry.Http();

        foreach (var path in new[] { "/v2/hello/manifests/latest", "/v2/hello/manifests/v1", "/v2/hello/tags/list" })
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.False(response.IsSuccessStatusCode, body);
            Assert.Contains("127.0.0.1", body);
            Assert.DoesNotContain(token, body);
        }
        Assert.DoesNotContain(token, registry.Log);
        var commandLines = await File.ReadAllTextAsync(calls);
        Assert.Contains("fetch", commandLines);
        Assert.DoesNotContain(token, commandLines);
    }
}

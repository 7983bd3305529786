using System.Collections;
using Microsoft.Extensions.Configuration;
using Nixery.Configuration;

namespace Nixery.Tests.Configuration;

[Trait("Category", "Unit")]

public class ConfigurationCheckTests
{
    private static IConfiguration From(params (string Name, string Value)[] variables) =>
        new ConfigurationBuilder()
            .AddNixeryEnvironment(new Hashtable(variables.ToDictionary(v => v.Name, v => v.Value)))
            .Build();

    private static readonly (string, string)[] Valid = [("NIXERY_PKGS_PATH", "/"), ("STORAGE_PATH", "/tmp/x")];

    [Fact]
    public void A_valid_configuration_has_no_problems() => Assert.Empty(ConfigurationCheck.Problems(From(Valid)));

    [Theory]
    [InlineData("PORT", "http")]
    [InlineData("PORT", "70000")]
    [InlineData("NIX_TIMEOUT", "-1")]
    [InlineData("NIXERY_STORAGE_BACKEND", "floppy")]
    [InlineData("NIXERY_LAYER_BUDGET", "500")]
    [InlineData("NIX_POPULARITY_URL", "ftp://example")]
    [InlineData("NIXERY_PKGS_PATH", "/no/such/path")]
    [InlineData("NIXERY_MAX_CONCURRENT_BUILDS", "0")]
    public void A_bad_value_is_reported_with_the_variable_name(string name, string value)
    {
        var problems = ConfigurationCheck.Problems(From([.. Valid.Where(v => v.Item1 != name), (name, value)]));
        Assert.Contains(problems, p => p.StartsWith(name + ":", StringComparison.Ordinal) && p.Contains(value));
    }

    [Fact]
    public void Garbage_collection_is_scheduled_by_default_with_a_grace_longer_than_any_build()
    {
        var configuration = From(Valid);
        var collection = configuration.GetSection("Nixery:Collection").Get<Nixery.Collection.CollectionOptions>() ?? new();
        var nix = configuration.GetSection("Nixery:Nix").Get<Nixery.Nix.NixOptions>() ?? new();
        Assert.Equal(TimeSpan.FromHours(24), collection.Interval);
        Assert.Equal(TimeSpan.FromDays(30), collection.Retention);
        Assert.True(collection.Grace > nix.BuildTimeout, $"grace {collection.Grace} is not longer than the build timeout {nix.BuildTimeout}");
    }

    [Theory]
    [InlineData("20", "1200")]
    [InlineData("10", "1200")]
    [InlineData("1", "61")]
    public void A_grace_period_not_longer_than_the_build_timeout_is_refused(string graceMinutes, string buildTimeoutSeconds)
    {
        var problems = ConfigurationCheck.Problems(From([.. Valid, ("NIXERY_GC_GRACE", graceMinutes), ("NIXERY_BUILD_TIMEOUT", buildTimeoutSeconds)]));
        Assert.Contains(problems, p => p.StartsWith("NIXERY_GC_GRACE:", StringComparison.Ordinal) && p.Contains("NIXERY_BUILD_TIMEOUT"));
    }

    [Fact]
    public void No_package_source_is_a_problem() =>
        Assert.Contains(ConfigurationCheck.Problems(From(("STORAGE_PATH", "/tmp/x"))), p => p.Contains("no package source"));

    [Fact]
    public void Two_package_sources_are_a_problem() =>
        Assert.Contains(ConfigurationCheck.Problems(From([.. Valid, ("NIXERY_CHANNEL", "nixos-unstable")])), p => p.Contains("only one package source"));

    [Fact]
    public void The_filesystem_backend_needs_a_storage_path() =>
        Assert.Contains(ConfigurationCheck.Problems(From(("NIXERY_PKGS_PATH", "/"))), p => p.StartsWith("STORAGE_PATH:", StringComparison.Ordinal));

    [Fact]
    public void Environment_variables_override_appsettings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Nixery:Port", "1234"), new("Nixery:Nix:BuilderTimeoutSeconds", "5")])
            .AddNixeryEnvironment(new Hashtable { ["NIX_TIMEOUT"] = "99" })
            .Build();
        Assert.Equal("1234", configuration["Nixery:Port"]);
        Assert.Equal("99", configuration["Nixery:Nix:BuilderTimeoutSeconds"]);
    }

    [Fact]
    public void List_variables_become_lists_and_an_empty_value_an_empty_list()
    {
        var configuration = From(("NIXERY_SHELL_PACKAGES", "bash, coreutils"), ("NIXERY_DEFAULT_PACKAGES", ""));
        Assert.Equal(["bash", "coreutils"], configuration.GetSection("Nixery:Naming:ShellPackages").GetChildren().Select(c => c.Value));
        Assert.Equal("", configuration["Nixery:Naming:DefaultPackages"]);
    }
}

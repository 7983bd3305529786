using System.Text.RegularExpressions;
using Nixery.EndToEnd.Tests.Support;

namespace Nixery.EndToEnd.Tests;

/// <summary>The registry API contract, against the real registry process.</summary>
public class RegistryProcessApiTests : RegistryApiContract, IClassFixture<RegistryFixture>
{
    private readonly RegistryFixture _fixture;
    private readonly HttpClient _http;

    public RegistryProcessApiTests(RegistryFixture fixture)
    {
        _fixture = fixture;
        _http = fixture.Registry.Http();
    }

    protected override HttpClient Http => _http;

    /// <summary>Counted from the registry's log: one "building image" line per Nix build of the image.</summary>
    protected override Task<int> BuildsOfAsync(string name, string tag)
    {
        var packages = string.Join(", ", name.Split('/').Append("cacert").Append("iana-etc").Order(StringComparer.Ordinal));
        var builds = Regex.Matches(_fixture.Registry.Log, @"building image \S+: (?<packages>[^\n]*) for ")
            .Count(m => m.Groups["packages"].Value.Contains(packages, StringComparison.Ordinal));
        return Task.FromResult(builds);
    }
}

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

    /// <summary>Counted from outside: realisations, through the Nix wrapper on the registry's PATH, of the derivations of every package the name lists.</summary>
    protected override Task<int> BuildsOfAsync(string name, string tag) => Task.FromResult(_fixture.Nix.BuildsOf(name.Split('/')));
}

using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nixery.Nix;
using Nixery.Processes;

namespace Nixery.Tests.Support;

/// <summary>Real Nix over the bundled demo package set.</summary>
public static class NixFixtures
{
    public static NixBuilder Builder(NixOptions? options = null) =>
        new(new CommandRunner(NullLogger<CommandRunner>.Instance), Options.Create(options ?? new NixOptions()), NullLogger<NixBuilder>.Instance);

    public static async Task<SourceRevision> DemoRevisionAsync()
    {
        var storePath = await Builder().ImportPathAsync(Repository.DemoPackageSet, CancellationToken.None);
        return new SourceRevision("path", Path.GetFileName(storePath), JsonSerializer.Serialize(new { type = "path", path = storePath }));
    }

    public static async Task<ImageRequest> DemoRequestAsync(params string[] packages) =>
        new(packages.Order(StringComparer.Ordinal).ToArray(), Platform.Amd64, await DemoRevisionAsync(), "test");
}

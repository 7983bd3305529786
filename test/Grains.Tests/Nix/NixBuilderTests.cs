using Nixery.Tests.Support;

namespace Nixery.Tests.Nix;

/// <summary>Against real Nix and the demo package set.</summary>
public class NixBuilderTests
{
    [Fact]
    public async Task Every_missing_name_is_reported_at_once()
    {
        var source = await NixFixtures.DemoRevisionAsync();
        var result = await NixFixtures.Builder().SelectAsync(source, ["hello", "nope", "also-nope", "hello.bin"], Platform.Amd64, CancellationToken.None);
        Assert.Equal(["hello"], result.Found.Select(p => p.Name));
        Assert.Equal(["nope", "also-nope", "hello.bin"], result.Missing);
    }

    [Fact]
    public async Task Names_are_data_not_code()
    {
        var source = await NixFixtures.DemoRevisionAsync();
        var hostile = "\"; builtins.abort \"pwned";
        var result = await NixFixtures.Builder().SelectAsync(source, [hostile, "${builtins.abort \"x\"}"], Platform.Amd64, CancellationToken.None);
        Assert.Empty(result.Found);
        Assert.Equal(2, result.Missing.Count);
    }

    [Fact]
    public async Task Lowercase_names_find_camel_case_attributes_at_every_level()
    {
        var source = await NixFixtures.DemoRevisionAsync();
        var result = await NixFixtures.Builder().SelectAsync(source, ["bashinteractive", "python3packages.requests"], Platform.Amd64, CancellationToken.None);
        Assert.Empty(result.Missing);
        Assert.Contains(result.Found, p => p.Outputs[0].Path.EndsWith("-bash-interactive-5.2", StringComparison.Ordinal));
        Assert.Contains(result.Found, p => p.Outputs[0].Path.EndsWith("-python3.11-requests-2.31.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_multi_output_package_selects_its_out_and_its_referenced_output_is_in_the_closure()
    {
        using var roots = new TemporaryDirectory();
        var request = await NixFixtures.DemoRequestAsync("openssl");
        var build = await NixFixtures.Builder().BuildAsync(request, roots.Path, CancellationToken.None);
        Assert.Single(build.PackageRoots, r => r.EndsWith("-openssl-3.0.13", StringComparison.Ordinal));
        Assert.Contains(build.Graph.Paths.Keys, p => p.EndsWith("-openssl-3.0.13-doc", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_build_gives_the_runtime_closure_with_sizes_and_references()
    {
        using var roots = new TemporaryDirectory();
        var request = await NixFixtures.DemoRequestAsync("git");
        var build = await NixFixtures.Builder().BuildAsync(request, roots.Path, CancellationToken.None);

        var git = build.Graph.Paths.Values.Single(p => p.Name == "git-2.44.0");
        Assert.Contains(git.References, r => r.EndsWith("-curl-8.6.0", StringComparison.Ordinal));
        Assert.Contains(build.Graph.Paths.Values, p => p.Name == "busybox-1.35.0" && p.NarSize > 1_000_000);
        Assert.All(build.Graph.Paths.Values, p => Assert.True(p.ClosureSize >= p.NarSize));
        Assert.Equal([git.Path], build.Graph.Roots);
    }

    [Fact]
    public async Task Built_closures_are_gc_roots()
    {
        using var roots = new TemporaryDirectory();
        var request = await NixFixtures.DemoRequestAsync("hello");
        var build = await NixFixtures.Builder().BuildAsync(request, roots.Path, CancellationToken.None);
        var link = Directory.EnumerateFileSystemEntries(roots.Path).Single();
        Assert.Equal(build.PackageRoots[0], new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Missing_packages_fail_with_all_their_names()
    {
        using var roots = new TemporaryDirectory();
        var request = await NixFixtures.DemoRequestAsync("hello", "nope", "nope2");
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => NixFixtures.Builder().BuildAsync(request, roots.Path, CancellationToken.None));
        Assert.Equal(BuildErrorKind.PackagesNotFound, failure.Error.Kind);
        Assert.Equal(["nope", "nope2"], failure.Error.MissingPackages);
    }

    [Fact]
    public async Task A_failing_build_names_the_derivation_and_the_tail_of_its_log()
    {
        using var roots = new TemporaryDirectory();
        var request = await NixFixtures.DemoRequestAsync("broken");
        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => NixFixtures.Builder().BuildAsync(request, roots.Path, CancellationToken.None));
        Assert.Equal(BuildErrorKind.BuildFailed, failure.Error.Kind);
        Assert.Matches("/nix/store/[a-z0-9]{32}-broken-1.0.drv failed with exit code 3", failure.Error.Message);
        Assert.Contains("error: this package is broken on purpose", failure.Error.Message);
    }

    [Fact]
    public async Task Importing_a_path_pins_its_content()
    {
        using var copy = new TemporaryDirectory();
        File.WriteAllText(copy.Combine("default.nix"), "{ }: { }");
        var builder = NixFixtures.Builder();
        var first = await builder.ImportPathAsync(copy.Path, CancellationToken.None);
        Assert.Equal(first, await builder.ImportPathAsync(copy.Path, CancellationToken.None));
        File.WriteAllText(copy.Combine("default.nix"), "{ }: { changed = true; }");
        Assert.NotEqual(first, await builder.ImportPathAsync(copy.Path, CancellationToken.None));
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Processes;

namespace Nixery.EndToEnd.Tests.Support;

/// <summary>Runs the real client programs (skopeo, umoci, ctr, podman) and fails the test with their output when they fail.</summary>
public static class Shell
{
    private static readonly CommandRunner Runner = new(NullLogger<CommandRunner>.Instance);

    public static async Task<string> RunAsync(string program, params string[] arguments) =>
        await RunAsync(program, arguments, null);

    public static async Task<string> RunAsync(string program, string[] arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        var result = await Runner.RunAsync(program, arguments, TimeSpan.FromMinutes(5), CancellationToken.None, environment);
        Assert.True(result.Succeeded, $"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n{result.Output}\n{result.ErrorTail}");
        return result.Output;
    }

    public static Task<CommandResult> TryAsync(string program, params string[] arguments) =>
        Runner.RunAsync(program, arguments, TimeSpan.FromMinutes(5), CancellationToken.None);
}

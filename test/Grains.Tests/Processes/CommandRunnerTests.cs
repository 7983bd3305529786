using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nixery.Processes;

namespace Nixery.Tests.Processes;

public class CommandRunnerTests
{
    private static readonly CommandRunner Runner = new(NullLogger<CommandRunner>.Instance);

    [Fact]
    public async Task Large_stderr_does_not_block_the_program()
    {
        // Nixery read stdout to the end before stderr and hung once stderr
        // passed the pipe buffer (64 KiB).
        var result = await Runner.RunAsync("busybox", ["sh", "-c", "busybox seq 1 100000 >&2; echo done"],
            TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("done\n", result.Output);
        Assert.EndsWith("100000\n", result.ErrorTail);
        Assert.True(result.ErrorTail.Length <= CommandRunner.ErrorTailLength + 10);
    }

    [Fact]
    public async Task A_program_past_its_time_limit_is_killed_with_its_children()
    {
        // The limit runs on a clock the test moves, once the child is known to run.
        using var marker = new Support.TemporaryDirectory();
        var pidFile = marker.Combine("child.pid");
        var clock = new FakeTimeProvider();
        var runner = new CommandRunner(NullLogger<CommandRunner>.Instance, clock);
        var run = runner.RunAsync("busybox", ["sh", "-c", $"busybox sleep 300 & echo $! > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; wait"],
            TimeSpan.FromMinutes(1), CancellationToken.None);
        await Poll.UntilAsync(() => File.Exists(pidFile), "the child never started");
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<CommandTimedOutException>(() => run);
        var child = int.Parse(File.ReadAllText(pidFile).Trim());
        await Poll.UntilAsync(() => IsGone(child), "the child process outlived the timeout");
    }

    [Fact]
    public async Task Cancellation_stops_the_program()
    {
        using var cancel = new CancellationTokenSource();
        var run = Runner.RunAsync("busybox", ["sleep", "300"], TimeSpan.FromMinutes(5), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Stdin_is_closed_so_a_program_waiting_for_input_ends()
    {
        var result = await Runner.RunAsync("busybox", ["cat"], TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task A_missing_program_is_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Runner.RunAsync("no-such-program-nixery", [], TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("no-such-program-nixery", error.Message);
    }

    /// <summary>Gone, or a zombie waiting to be reaped by init.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Nixery.Processes;

/// <summary>
/// Runs an external program (Nix, git) with arguments passed as data, never
/// through a shell. stdout and stderr are drained concurrently: Nixery read
/// one after the other and hung once stderr passed the 64 KiB pipe buffer.
/// A timeout or cancellation kills the whole process tree. Children see only
/// <see cref="ChildEnvironment"/>, never the registry's whole environment.
/// </summary>
/// <param name="clock">The clock time limits are measured on.</param>
/// <param name="searchPath">
/// Where programs are looked up and the PATH their children get; the
/// registry's own PATH when null. (.NET looks a program up on the parent's
/// PATH whatever the child's is, so a different one must be resolved here.)
/// </param>
public sealed class CommandRunner(ILogger<CommandRunner> logger, TimeProvider? clock = null, string? searchPath = null)
{
    /// <summary>How much of stderr is kept for error messages; the rest is only logged.</summary>
    public const int ErrorTailLength = 64 * 1024;

    public async Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken cancellation,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Resolve(program))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in ChildEnvironment.For(Environment.GetEnvironmentVariable, environment)) start.Environment[name] = value;
        if (searchPath is not null) start.Environment["PATH"] = searchPath;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {program}: {e.Message} (is it installed and on PATH?)", e);
        }
        // Nothing is ever written to stdin; closing it makes a program that
        // asks for input fail instead of waiting forever.
        process.StandardInput.Close();

        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errorTail = new StringBuilder();
        var errors = DrainErrorsAsync(process.StandardError, errorTail, program);

        using var expiry = new CancellationTokenSource(timeout, clock ?? TimeProvider.System);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation, expiry.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await Task.WhenAll(output, errors).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellation.ThrowIfCancellationRequested();
            throw new CommandTimedOutException(program, timeout, Snapshot(errorTail));
        }
        await Task.WhenAll(output, errors);
        return new CommandResult(process.ExitCode, await output, Snapshot(errorTail));
    }

    private async Task DrainErrorsAsync(StreamReader reader, StringBuilder tail, string program)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            logger.LogDebug("{Program}: {Line}", program, Redaction.Text(line));
            lock (tail)
            {
                tail.Append(line).Append('\n');
                if (tail.Length > ErrorTailLength) tail.Remove(0, tail.Length - ErrorTailLength);
            }
        }
    }

    private string Resolve(string program) =>
        searchPath is null || program.Contains('/')
            ? program
            : searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists) ?? program;

    private static string Snapshot(StringBuilder tail)
    {
        lock (tail) return tail.ToString();
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "could not kill process {Pid}", process.Id);
        }
    }
}

using System.Diagnostics;
using System.Text;

namespace Nixery.Tests.Support;

/// <summary>
/// Runs a command-line tool (GNU tar, gzip, pigz, mkfifo, ln). These are required: CI installs
/// them, and a test fails rather than skips when one is missing. Anything on stderr fails too.
/// </summary>
public static class Tool
{
    public static async Task<byte[]> RunAsync(string fileName, IEnumerable<string> arguments, byte[]? input = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Listings must not depend on the machine's locale or time zone.
        start.Environment["LC_ALL"] = "C.UTF-8";
        start.Environment["TZ"] = "UTC";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = new MemoryStream();
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null) await process.StandardInput.BaseStream.WriteAsync(input);
        process.StandardInput.Close();
        await copyOut;
        await process.WaitForExitAsync();
        // A warning counts as a failure: "tar: Ignoring unknown extended header keyword" exits 0.
        var errors = await stderr;
        if (process.ExitCode != 0 || errors.Length > 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {errors}");
        return stdout.ToArray();
    }

    public static async Task<string> RunTextAsync(string fileName, params string[] arguments) =>
        Encoding.UTF8.GetString(await RunAsync(fileName, arguments));

    /// <summary>
    /// The members of a gzip file as zlib (through Python, not .NET) reads
    /// them: each member's decompressed length and SHA-256, in order. Fails
    /// on a truncated member or bytes that are not gzip.
    /// </summary>
    public static async Task<IReadOnlyList<(long Length, string Sha256)>> GzipMembersAsync(byte[] gzip)
    {
        const string script = """
            import hashlib, sys, zlib
            data = sys.stdin.buffer.read()
            while data:
                member = zlib.decompressobj(wbits=31)
                out = member.decompress(data)
                if not member.eof: sys.exit("truncated gzip member")
                print(len(out), hashlib.sha256(out).hexdigest())
                data = member.unused_data
            """;
        var lines = Encoding.UTF8.GetString(await RunAsync("python3", ["-c", script], gzip)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Select(l => l.Split(' ')).Select(p => (long.Parse(p[0]), p[1])).ToArray();
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace Nixery.Nix;

/// <summary>
/// Turns Nix's stderr into a message for the person who pulled the image:
/// the failed derivation and the tail of its log (Nix prints "last N log
/// lines" when run with -Q), or the evaluation error, instead of Nixery's
/// bare "image build failure".
/// </summary>
public static partial class NixErrorReport
{
    /// <summary>Registry clients show the message inline, so it is kept to a readable size.</summary>
    public const int MaxMessageLength = 4000;

    [GeneratedRegex(@"builder for '(?<drv>/[^']+\.drv)' failed with exit code (?<code>\d+)")]
    private static partial Regex BuilderFailed();

    [GeneratedRegex(@"building of '(?<drv>/[^']+\.drv)'.*timed out after (?<seconds>\d+) seconds")]
    private static partial Regex BuilderTimedOut();

    /// <summary>Nix's own terminal colouring, in case NO_COLOR is not honoured.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Ansi();

    public static BuildError FromBuild(string stderr)
    {
        var clean = Ansi().Replace(stderr, "");
        var timedOut = BuilderTimedOut().Match(clean);
        if (timedOut.Success)
        {
            return BuildError.Of(BuildErrorKind.TimedOut,
                $"builder for {timedOut.Groups["drv"].Value} timed out after {timedOut.Groups["seconds"].Value} s (NIX_TIMEOUT)");
        }
        var failed = BuilderFailed().Match(clean);
        if (!failed.Success) return BuildError.Of(BuildErrorKind.BuildFailed, "Nix build failed: " + ErrorLines(clean));

        var message = new StringBuilder()
            .Append("builder for ").Append(failed.Groups["drv"].Value)
            .Append(" failed with exit code ").Append(failed.Groups["code"].Value);
        var log = LogTail(clean, failed.Index);
        if (log.Count > 0) message.Append("; last log lines:\n").AppendJoin('\n', log);
        return BuildError.Of(BuildErrorKind.BuildFailed, Limit(message.ToString()));
    }

    public static BuildError FromEvaluation(string stderr) =>
        BuildError.Of(BuildErrorKind.BuildFailed, "Nix evaluation failed: " + ErrorLines(Ansi().Replace(stderr, "")));

    /// <summary>The "> line" block that follows the failure message.</summary>
    private static List<string> LogTail(string stderr, int from)
    {
        var lines = new List<string>();
        foreach (var raw in stderr[from..].Split('\n').Skip(1))
        {
            var line = raw.Trim();
            if (line.StartsWith("last ", StringComparison.Ordinal) && line.EndsWith("log lines:", StringComparison.Ordinal)) continue;
            if (!line.StartsWith('>')) break;
            lines.Add(line.Length > 1 && line[1] == ' ' ? line[2..] : line[1..]);
        }
        return lines;
    }

    /// <summary>From the first "error:" on, which is where Nix states the cause.</summary>
    private static string ErrorLines(string stderr)
    {
        var start = stderr.IndexOf("error:", StringComparison.Ordinal);
        var text = (start >= 0 ? stderr[start..] : stderr).Trim();
        return Limit(text.Length == 0 ? "no error output" : text);
    }

    /// <summary>Keeps the head: Nix states the cause first, and the log block is already only its tail.</summary>
    private static string Limit(string text) =>
        text.Length <= MaxMessageLength ? text : text[..(MaxMessageLength - 1)] + "…";
}

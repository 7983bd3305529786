namespace Nixery.EndToEnd.Tests.Support;

/// <summary>
/// Counts Nix builds from outside the registry: a directory put first on the
/// registry's PATH holds a nix-store and a nix-instantiate that record its arguments in a log
/// and then runs the real one.
/// </summary>
public sealed class NixInvocations : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public NixInvocations()
    {
        var real = "/usr/bin/nix-store";
        var wrapper = _directory.Combine("nix-store");
        File.WriteAllText(wrapper, $"#!/bin/sh\necho \"$*\" >> '{LogPath}'\nexec {real} \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.WriteAllText(LogPath, "");

        // Evaluations too: a name refused from the catalogue must cost none.
        var instantiate = _directory.Combine("nix-instantiate");
        File.WriteAllText(instantiate, $"#!/bin/sh\necho \"$*\" >> '{EvaluationLogPath}'\nexec /usr/bin/nix-instantiate \"$@\"\n");
        File.SetUnixFileMode(instantiate, File.GetUnixFileMode(wrapper));
        File.WriteAllText(EvaluationLogPath, "");
    }

    public string EvaluationLogPath => _directory.Combine("evaluations.log");

    /// <summary>How many times Nix was asked to select an image's packages (select-packages.nix) since the last <see cref="Reset"/>.</summary>
    public int Selections => File.ReadAllLines(EvaluationLogPath).Count(line => line.Contains("select-packages", StringComparison.Ordinal));

    public string LogPath => _directory.Combine("invocations.log");

    /// <summary>The PATH for the registry's processes.</summary>
    public string SearchPath => $"{_directory.Path}:{Environment.GetEnvironmentVariable("PATH")}";

    /// <summary>How many times Nix was asked to build derivations since the last <see cref="Reset"/> (not to root a path).</summary>
    public int Builds => File.ReadAllLines(LogPath).Count(line => line.Contains("--realise", StringComparison.Ordinal) && line.Contains(".drv!", StringComparison.Ordinal));

    public void Reset()
    {
        File.WriteAllText(LogPath, "");
        File.WriteAllText(EvaluationLogPath, "");
    }

    public void Dispose() => _directory.Dispose();
}

namespace Nixery.Processes;

/// <summary>How a program ended: its exit code, all of stdout and the last part of stderr.</summary>
public sealed record CommandResult(int ExitCode, string Output, string ErrorTail)
{
    public bool Succeeded => ExitCode == 0;
}

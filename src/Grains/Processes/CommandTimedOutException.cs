namespace Nixery.Processes;

public sealed class CommandTimedOutException(string program, TimeSpan limit, string errorTail)
    : Exception($"{program} did not finish within {limit.TotalSeconds:0} s")
{
    public string ErrorTail { get; } = errorTail;
}

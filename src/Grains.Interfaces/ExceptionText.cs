namespace Nixery;

/// <summary>What of an exception may be told to a client: an exception Orleans wraps carries the inner one's stack trace in its message, which is for the log.</summary>
public static class ExceptionText
{
    /// <summary>The first line of the message.</summary>
    public static string FirstLine(Exception e) => e.Message.Split('\n')[0].Trim();
}

namespace Nixery;

/// <summary>A pipeline stage could not produce the image; the error is meant for the client.</summary>
public sealed class BuildFailedException(BuildError error) : Exception(error.Message)
{
    public BuildError Error { get; } = error;
}

namespace Nixery.EndToEnd.Tests;

/// <summary>
/// The tests that each load both cores for minutes: three-silo process
/// clusters, podman and containerd, a registry per object-storage backend.
/// One collection, so they run one class at a time while the light
/// end-to-end tests run beside them; on 2 cores, two of them at once only
/// make both slower and their time limits tighter.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Heavy
{
    public const string Name = "heavy";
}

namespace Nixery.Layering;

/// <summary>The store paths that go into one layer, sorted by path.</summary>
public sealed record LayerGroup(IReadOnlyList<string> Paths);

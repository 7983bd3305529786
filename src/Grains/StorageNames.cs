namespace Nixery;

/// <summary>The grain storage provider that image and layer grains keep their state in.</summary>
public static class StorageNames
{
    public const string Registry = "registry";
}

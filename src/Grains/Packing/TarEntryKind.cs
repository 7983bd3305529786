namespace Nixery.Packing;

/// <summary>
/// The kinds of entry a layer contains. These are exactly the kinds a Nix store path can
/// hold (NAR has no others); hardlinks are deliberately absent, see <see cref="DeterministicTarWriter"/>.
/// </summary>
public enum TarEntryKind
{
    Directory,
    File,
    Symlink,
}

using System.Runtime.InteropServices;

namespace Nixery.Storage;

/// <summary>
/// Moves a finished staging file to a path only if nothing is there, atomically across
/// processes that share the directory (several silos on one volume). .NET's
/// <c>File.Move(overwrite: false)</c> checks for the target and then renames, so two
/// processes creating the same document at once could both "win" and one overwrite the
/// other: the token key test saw two signing keys once in a clean CI run. A hard link
/// (<c>link(2)</c>) fails with <c>EEXIST</c> in the kernel instead; filesystems without
/// hard links fall back to the check-then-rename.
/// </summary>
internal static class ExclusiveRename
{
    private const int AlreadyExists = 17; // EEXIST
    private const int NotPermitted = 1; // EPERM: the filesystem has no hard links
    private const int NotSupported = 95; // EOPNOTSUPP
    private const int CrossDevice = 18; // EXDEV

    /// <returns>False when <paramref name="target"/> already exists; <paramref name="staging"/> is then left in place.</returns>
    public static bool TryMove(string staging, string target)
    {
        if (link(staging, target) == 0)
        {
            File.Delete(staging);
            return true;
        }
        var error = Marshal.GetLastPInvokeError();
        if (error == AlreadyExists) return false;
        if (error is not (NotPermitted or NotSupported or CrossDevice))
            throw new IOException($"cannot create {target}: {Marshal.GetPInvokeErrorMessage(error)}");
        try
        {
            File.Move(staging, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);
}

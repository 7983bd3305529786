using System.Runtime.InteropServices;

namespace Nixery.Packing;

/// <summary>
/// What <c>lstat</c> says about a path: its type, permission bits and size, without following
/// a final symlink.
/// </summary>
/// <remarks>
/// .NET's FileSystemInfo cannot tell a fifo, socket or device from a regular file (all report
/// <c>Normal</c>), and opening a fifo to read it would block forever, so the type comes from
/// Linux <c>statx(2)</c>, whose result layout is the same on every architecture.
/// </remarks>
internal readonly record struct FileStatus(FileStatus.FileType Type, UnixFileMode Mode, long Size)
{
    public enum FileType
    {
        Regular,
        Directory,
        Symlink,
        Fifo,
        Socket,
        CharacterDevice,
        BlockDevice,
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxSize = 0x200;
    private const int StatxBufferSize = 256;

    public static FileStatus Of(string path)
    {
        var buffer = new byte[StatxBufferSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxSize, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot stat '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }

        // struct statx, native byte order: stx_mode is a u16 at offset 28, stx_size a u64 at offset 40.
        var mode = MemoryMarshal.Read<ushort>(buffer.AsSpan(28));
        var size = (long)MemoryMarshal.Read<ulong>(buffer.AsSpan(40));
        var type = (mode & 0xF000) switch
        {
            0x8000 => FileType.Regular,
            0x4000 => FileType.Directory,
            0xA000 => FileType.Symlink,
            0x1000 => FileType.Fifo,
            0xC000 => FileType.Socket,
            0x2000 => FileType.CharacterDevice,
            0x6000 => FileType.BlockDevice,
            _ => throw new IOException($"'{path}' has an unknown file type {mode & 0xF000:x}"),
        };
        return new FileStatus(type, (UnixFileMode)(mode & 0xFFF), size);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}

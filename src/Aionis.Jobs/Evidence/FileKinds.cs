using System.Runtime.InteropServices;

namespace Aionis.Jobs.Evidence;

/// <summary>What a path is, without following a symbolic link (<c>lstat</c>).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>
/// <c>lstat</c> for evidence folders: .NET reports a FIFO or a device as an ordinary file (and opening a FIFO blocks), so
/// the kind comes from Linux <c>statx(AT_SYMLINK_NOFOLLOW)</c>, whose buffer layout is the same on every architecture.
/// </summary>
public static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;

    public static FileKind Of(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // ENOENT, ENOTDIR: nothing there (or a parent is a file).
            if (errno is 2 or 20) return FileKind.Missing;
            throw new IOException($"cannot stat '{path}' (errno {errno})");
        }
        return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Symlink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>The reported name of a kind: <c>fifo</c>, <c>symlink</c>, <c>char_device</c>, …</summary>
    public static string Name(FileKind kind) => kind switch
    {
        FileKind.CharDevice => "char_device",
        FileKind.BlockDevice => "block_device",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The kind of <paramref name="relativePath"/> inside <paramref name="root"/>, checking every folder on the way: a
    /// symlinked folder (which could point anywhere) gives <see cref="FileKind.Symlink"/> for everything below it.
    /// </summary>
    public static FileKind InsideRoot(string root, string relativePath)
    {
        var current = root;
        var segments = relativePath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            current = Path.Combine(current, segments[i]);
            var kind = Of(current);
            if (i == segments.Length - 1 || kind != FileKind.Directory) return kind;
        }
        return FileKind.Directory;
    }

    // DllImport (runtime marshalling) rather than LibraryImport, which would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Aionis.Jobs.Backups;

/// <summary>
/// Writes that survive a crash or a full disk: data is forced to the device (<c>fsync</c>) before anything points at
/// it, and a rename is made durable by syncing its folder. Without this a full or failing disk can report success
/// for data still in the page cache, and a manifest could describe a dump that never reached the disk.
/// </summary>
public static partial class DurableFiles
{
    private const int BufferSize = 1 << 20;

    /// <summary>Streams <paramref name="source"/> to a new <paramref name="destination"/>, fsyncs it, returns its SHA-256 and size.</summary>
    public static async Task<(string Sha256, long Size)> CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long size = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            size += read;
        }
        await output.FlushAsync(cancellationToken);
        output.Flush(flushToDisk: true);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>Writes a small file and fsyncs it.</summary>
    public static async Task WriteAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
        await output.FlushAsync(cancellationToken);
        output.Flush(flushToDisk: true);
    }

    /// <summary>Forces a file written by another process (pg_dump) to the device; a deferred write error surfaces here.</summary>
    public static void Sync(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Makes the entries of a folder (a rename into it, a new file) durable.</summary>
    public static void SyncDirectory(string path)
    {
        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open folder {path} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of folder {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}

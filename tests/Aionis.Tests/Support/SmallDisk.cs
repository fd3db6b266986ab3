namespace Aionis.Tests.Support;

/// <summary>
/// A real, tiny filesystem (tmpfs of a given size, mounted by the test, which runs as root) that can be filled up:
/// writes past its size fail with ENOSPC exactly as on a full production disk.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallDisk> MountAsync(string path, long sizeBytes)
    {
        Directory.CreateDirectory(path);
        var mounted = await EvidenceTools.RunAsync("mount", "/", "-t", "tmpfs", "-o", $"size={sizeBytes},mode=0755", "tmpfs", path);
        if (mounted.ExitCode != 0)
        {
            throw new InvalidOperationException($"the disk-full tests mount a tmpfs and need root: mount exited {mounted.ExitCode}: {mounted.Stderr}");
        }
        return new SmallDisk(path);
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a filler file so that only about <paramref name="leaveFree"/> bytes stay free.</summary>
    public void FillLeaving(long leaveFree)
    {
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler.bin"), FileMode.CreateNew);
        var block = new byte[4096];
        while (FreeBytes > leaveFree + block.Length)
        {
            filler.Write(block);
            filler.Flush();
        }
        filler.Flush(flushToDisk: true);
    }

    public async ValueTask DisposeAsync()
    {
        var unmounted = await EvidenceTools.RunAsync("umount", "/", "-l", Path);
        if (unmounted.ExitCode != 0) throw new InvalidOperationException($"umount {Path} exited {unmounted.ExitCode}: {unmounted.Stderr}");
    }
}

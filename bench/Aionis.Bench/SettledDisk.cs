using System.Diagnostics;

namespace Aionis.Bench;

/// <summary>
/// Puts the disk in the same state before each timed side of a comparison. This machine's disk swings from 350 MB/s to
/// 1.7 GB/s with what was written just before (<c>dd … conv=fsync</c>, three runs in a row), so a side timed while the
/// previous side's (or a database copy's) dirty pages are still being written back pays for them.
/// </summary>
public static class SettledDisk
{
    /// <summary>Writes every dirty page (<c>sync</c>); with <paramref name="dropCaches"/> (root only) also empties the page cache.</summary>
    public static async Task SettleAsync(bool dropCaches)
    {
        using (var sync = Process.Start("sync"))
        {
            await sync.WaitForExitAsync();
            if (sync.ExitCode != 0) throw new InvalidOperationException($"sync exited {sync.ExitCode}");
        }
        if (!dropCaches) return;
        try
        {
            await File.WriteAllTextAsync("/proc/sys/vm/drop_caches", "3");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // Not root: dirty pages are written, the cache stays warm for both sides alike.
        }
    }

    /// <summary>What the settle did, for the benchmark's table.</summary>
    public static string Describe(bool dropCaches) =>
        !dropCaches ? "sync (page cache kept warm)" : Environment.UserName == "root" ? "sync + drop_caches" : "sync (not root: page cache kept)";
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// <c>jitter:</c> a delay in [0, max] derived from the task id and the scheduled fire time alone: every node computes
/// the same offset for the same fire (the cluster still fires it once, on whichever node Quartz picks), fires of one
/// task spread over the window, and tasks sharing a <c>:00</c> fire start at different moments.
/// </summary>
public static class FireJitter
{
    public static TimeSpan Offset(string taskId, DateTimeOffset scheduledUtc, TimeSpan max)
    {
        if (max <= TimeSpan.Zero) return TimeSpan.Zero;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{taskId}|{scheduledUtc.UtcTicks}"));
        var milliseconds = (long)(max.TotalMilliseconds + 1);
        return TimeSpan.FromMilliseconds((long)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)milliseconds));
    }
}

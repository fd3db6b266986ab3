using System.Runtime.InteropServices;

namespace Aionis.Worker.Hosting;

/// <summary>
/// A process started with SIGHUP ignored (<c>nohup</c>, a shell or runner that ignores it: the setting survives fork and
/// exec) keeps it ignored, and .NET honours that: a <see cref="PosixSignalRegistration"/> for an ignored signal installs
/// no handler and is never called, so <c>kill -HUP</c> would silently not reload. serve promises a reload on SIGHUP, so
/// it takes the signal back to its default action just before registering its own handler.
/// </summary>
internal static class HangupDisposition
{
    private const int SigHup = 1;
    private static readonly nint SigDfl = 0;
    private static readonly nint SigIgn = 1;

    /// <summary>Call before the first SIGHUP registration of the process. True when SIGHUP had been ignored.</summary>
    public static bool TakeBack()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        var previous = signal(SigHup, SigDfl);
        if (previous == SigIgn) return true;
        if (previous != SigDfl)
        {
            // Some native library's handler: not ours to replace.
            signal(SigHup, previous);
        }
        return false;
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint signal(int signum, nint handler);
}

using System.Diagnostics;

namespace Aionis.Tests.Support;

/// <summary>
/// A PostgreSQL backend stopped with SIGSTOP: its query neither ends nor answers a cancel request (the postmaster's
/// SIGINT stays pending) until <see cref="DisposeAsync"/> sends SIGCONT. A client waiting on it hangs for real.
/// </summary>
public sealed class StoppedBackend : IAsyncDisposable
{
    private readonly int _pid;

    private StoppedBackend(int pid) => _pid = pid;

    public static async Task<StoppedBackend> StopAsync(int pid)
    {
        await SignalAsync("-STOP", pid);
        return new StoppedBackend(pid);
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString()]);
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.EqualTo(0), $"kill {signal} {pid}");
    }

    public async ValueTask DisposeAsync() => await SignalAsync("-CONT", _pid);
}

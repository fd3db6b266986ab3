using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Aionis.Bench.Scale;

/// <summary>
/// A real <c>aionis serve</c> started the way systemd starts it: its parent is a copy of bash named <c>systemd</c> and
/// <c>NOTIFY_SOCKET</c> points at a datagram socket of ours, so the time to <c>READY=1</c> is the time to a synced,
/// started scheduler. Output goes to a log file beside the socket.
/// </summary>
internal sealed class ServeNode : IAsyncDisposable
{
    private readonly Process _parent;
    private readonly Socket _notify;
    private readonly Stopwatch _sinceStart;
    private readonly string _pidFile;

    private ServeNode(Process parent, Socket notify, Stopwatch sinceStart, string pidFile, string logFile)
    {
        _parent = parent;
        _notify = notify;
        _sinceStart = sinceStart;
        _pidFile = pidFile;
        LogFile = logFile;
    }

    public string LogFile { get; }

    public static ServeNode Start(string workDirectory, string node, string registryPath, IDictionary<string, string?> env)
    {
        var folder = Directory.CreateDirectory(Path.Combine(workDirectory, "serve-" + node)).FullName;
        var fakeSystemd = Path.Combine(workDirectory, "systemd");
        if (!File.Exists(fakeSystemd)) File.Copy("/bin/bash", fakeSystemd);

        var socketPath = Path.Combine(folder, "notify.sock");
        File.Delete(socketPath);
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));

        var pidFile = Path.Combine(folder, "serve.pid");
        var logFile = Path.Combine(folder, "serve.log");
        var command = $"dotnet {Quote(AionisBinary.DllPath)} serve --registry {Quote(registryPath)} > {Quote(logFile)} 2>&1 & echo $! > {Quote(pidFile)}; wait $!";
        var environment = new Dictionary<string, string?>(env)
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Quartz"] = "Warning",
        };
        var watch = Stopwatch.StartNew();
        var parent = Process.Start(AionisBinary.StartInfo(fakeSystemd, ["-c", command], environment))!;
        return new ServeNode(parent, notify, watch, pidFile, logFile);
    }

    /// <summary>The serve process itself (the child of the fake systemd).</summary>
    public int Pid => int.Parse(File.ReadAllText(_pidFile).Trim());

    /// <summary>Time from process start until serve sent <c>READY=1</c>.</summary>
    public async Task<TimeSpan> WaitReadyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await _notify.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (Encoding.UTF8.GetString(buffer, 0, read).Split('\n').Contains("READY=1")) return _sinceStart.Elapsed;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"serve sent no READY=1 within {timeout}:\n{Log()}");
        }
    }

    /// <summary>Resident set size from <c>/proc/PID/status</c> (VmRSS), in MiB.</summary>
    public double RssMegabytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    /// <summary>SIGTERM, as systemd stops it; the fake parent exits with it.</summary>
    public async Task StopAsync()
    {
        if (_parent.HasExited) return;
        if (File.Exists(_pidFile))
        {
            using var kill = Process.Start("kill", ["-TERM", Pid.ToString()])!;
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _parent.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _parent.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _parent.Dispose();
        _notify.Dispose();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";
}

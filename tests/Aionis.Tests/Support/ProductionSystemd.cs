using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Aionis.Tests.Support;

/// <summary>
/// A stand-in for systemd's side of the notify protocol: a unix datagram socket for <c>NOTIFY_SOCKET</c>, and a copy of
/// bash named <c>systemd</c> as the worker's parent (what .NET's <c>AddSystemd()</c> looks for). The fake parent
/// forwards TERM and HUP to the worker, as systemd would send them.
/// </summary>
public sealed class ProductionSystemd : IDisposable
{
    private readonly string _directory;
    private readonly Socket _socket;
    private readonly List<string> _messages = [];
    private readonly CancellationTokenSource _stop = new();

    public ProductionSystemd()
    {
        _directory = Directory.CreateTempSubdirectory("aionis-systemd-").FullName;
        SocketPath = Path.Combine(_directory, "notify.sock");
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _ = ReceiveAsync();

        var bash = Path.Combine(_directory, "systemd");
        File.Copy("/bin/bash", bash);
        ParentPath = bash;
    }

    public string SocketPath { get; }
    public string ParentPath { get; }

    public List<string> Messages
    {
        get { lock (_messages) return _messages.ToList(); }
    }

    /// <summary>Starts the worker as a child of the fake systemd, with NOTIFY_SOCKET (and WATCHDOG_USEC when given).</summary>
    public Func<ProcessStartInfo, ProcessStartInfo> Launcher(TimeSpan? watchdog = null) => worker =>
    {
        var info = new ProcessStartInfo(ParentPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = worker.WorkingDirectory,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("""
            "$@" & child=$!
            trap 'kill -TERM $child' TERM
            trap 'kill -HUP $child' HUP
            while kill -0 $child 2>/dev/null; do wait $child; status=$?; done
            exit $status
            """);
        info.ArgumentList.Add("systemd");
        info.ArgumentList.Add(worker.FileName);
        foreach (var arg in worker.ArgumentList) info.ArgumentList.Add(arg);
        foreach (var (key, value) in worker.Environment) info.Environment[key] = value;
        info.Environment["NOTIFY_SOCKET"] = SocketPath;
        if (watchdog is { } limit) info.Environment["WATCHDOG_USEC"] = ((long)limit.TotalMicroseconds).ToString();
        return info;
    };

    public async Task<string> WaitForMessageAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(50);
        }
        Assert.Fail($"systemd never heard {what}; it heard: {string.Join(" | ", Messages)}");
        return null!;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    lock (_messages) _messages.Add(line);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

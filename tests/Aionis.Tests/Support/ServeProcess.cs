using System.Diagnostics;
using System.Text;

namespace Aionis.Tests.Support;

/// <summary>A real <c>aionis serve</c> child process with its own node name, artifacts and spool folders.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="database">The test database; null when <paramref name="extraEnv"/> names the connection itself.</param>
    /// <param name="launcher">Rewrites the start info, e.g. to run serve under a fake <c>systemd</c> parent.</param>
    public static ServeProcess Start(TestDatabase? database, string registryPath, string node, string artifactsRoot, IDictionary<string, string?>? extraEnv = null,
        Func<ProcessStartInfo, ProcessStartInfo>? launcher = null)
    {
        var env = AionisCli.EnvFor(database, artifactsRoot);
        env["Worker__NodeName"] = node;
        env["Worker__ClusterCheckinInterval"] = "00:00:02";
        env["Logging__LogLevel__Default"] = "Information";
        env["Logging__LogLevel__Quartz"] = "Warning";
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string?>()) env[k] = v;
        var info = AionisCli.StartInfo(["serve", "--registry", registryPath], env);
        return new ServeProcess(Process.Start(launcher is null ? info : launcher(info))!);
    }

    /// <summary>Waits until the condition holds, failing with the process output when it does not in time.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            if (_process.HasExited)
            {
                // The exit can be seen before the last lines it printed have been read: once the output is drained,
                // what the process did before exiting is all there, and the condition gets its last look.
                await _process.WaitForExitAsync();
                if (await condition()) return;
                Assert.Fail($"serve exited ({_process.ExitCode}) while waiting for {what}:\n{Output}");
            }
            await Task.Delay(200);
        }
        Assert.Fail($"timed out waiting for {what}:\n{Output}");
    }

    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        WaitUntilAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)), timeout, $"output '{text}'");

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()])!;
        kill.WaitForExit();
    }

    /// <summary>
    /// A clean stop (SIGTERM) and its exit code: serve fires nothing new, waits for the runs in flight and their notices,
    /// and exits. Once it has, nothing it would still have run, sent or written can appear: wait for this instead of
    /// sleeping to see that something does not happen.
    /// </summary>
    public Task<int> StopAsync(TimeSpan timeout)
    {
        Signal("TERM");
        return WaitForExitAsync(timeout);
    }

    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

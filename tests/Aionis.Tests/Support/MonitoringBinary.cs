using System.Diagnostics;
using System.Text;

namespace Aionis.Tests.Support;

/// <summary>
/// A real Prometheus-stack program (Debian's <c>prometheus</c> or <c>prometheus-alertmanager</c>) on 127.0.0.1 and a free
/// port, with a scratch folder of its own; killed and removed on dispose.
/// </summary>
public sealed class MonitoringBinary : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;

    private MonitoringBinary(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseUrl = $"http://127.0.0.1:{port}";
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Prometheus with <paramref name="configYaml"/> (rule files named relative to its folder are copied there).</summary>
    public static Task<MonitoringBinary> StartPrometheusAsync(string configYaml, params string[] ruleFiles)
    {
        var directory = Directory.CreateTempSubdirectory("aionis-prometheus-").FullName;
        foreach (var file in ruleFiles) File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(directory, "prometheus.yml"), configYaml);
        var port = FreeTcpPort.Next();
        return StartAsync("prometheus", directory, port, "/-/ready",
            $"--config.file={directory}/prometheus.yml", $"--storage.tsdb.path={directory}/data",
            $"--web.listen-address=127.0.0.1:{port}", "--web.enable-lifecycle");
    }

    /// <summary>Alertmanager with one receiver that sends nowhere: the test reads the alerts through its API.</summary>
    public static Task<MonitoringBinary> StartAlertmanagerAsync()
    {
        var directory = Directory.CreateTempSubdirectory("aionis-alertmanager-").FullName;
        File.WriteAllText(Path.Combine(directory, "alertmanager.yml"), """
            route:
              receiver: operators
              group_by: [alertname, task]
              group_wait: 1s
            receivers:
              - name: operators
            """);
        var port = FreeTcpPort.Next();
        // A single node: no cluster gossip port.
        return StartAsync("prometheus-alertmanager", directory, port, "/-/ready",
            $"--config.file={directory}/alertmanager.yml", $"--storage.path={directory}/data",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=");
    }

    private static async Task<MonitoringBinary> StartAsync(string program, string directory, int port, string readyPath, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var binary = new MonitoringBinary(Process.Start(info)!, directory, port);
        await binary.WaitUntilAsync(async () => (await binary.TryGetAsync(readyPath)) is not null, TimeSpan.FromSeconds(30), $"{program} to be ready");
        return binary;
    }

    /// <summary>The body of a 2xx GET, or null (not up yet, or an error status).</summary>
    public async Task<string?> TryGetAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(BaseUrl + path);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Prometheus: the value of an instant query that yields one series (its sum, say), or null when it yields none.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var body = await TryGetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        if (body is null) return null;
        var result = System.Text.Json.Nodes.JsonNode.Parse(body)!["data"]!["result"]!.AsArray();
        return result.Count == 0 ? null : double.Parse((string)result[0]!["value"]![1]!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            if (_process.HasExited) Assert.Fail($"{_process.StartInfo.FileName} exited ({_process.ExitCode}) while waiting for {what}:\n{Output}");
            await Task.Delay(250);
        }
        Assert.Fail($"timed out waiting for {what}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}

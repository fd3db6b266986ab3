using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Aionis.Tests.Support;
using Aionis.Worker.Configuration;

namespace Aionis.Tests.Production;

/// <summary>The unit as installed passes systemd's own checks, and serve speaks the notify protocol truthfully.</summary>
public sealed partial class SystemdTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("aionis-systemd-test-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task The_installed_unit_passes_systemd_analyze_verify_and_rates_exposure_at_most_2()
    {
        RequireSystemdAnalyze();
        var build = Path.GetDirectoryName(AionisCli.DllPath)!;
        var install = await RunAsync(Path.Combine(TestEnvironment.RepositoryRoot, "deploy", "systemd", "install.sh"),
            "--from", build, "--prefix", Path.Combine(_dir, "opt", "aionis"), "--config-dir", Path.Combine(_dir, "etc", "aionis"),
            "--unit-dir", Path.Combine(_dir, "units"), "--no-user");
        Assert.That(install.ExitCode, Is.EqualTo(0), install.Output);

        var unit = Path.Combine(_dir, "units", "aionis-worker.service");
        var verify = await RunAsync("systemd-analyze", "verify", unit);
        var security = await RunAsync("systemd-analyze", "security", "--offline=true", unit);
        var exposure = ExposurePattern().Match(security.Output);

        Assert.Multiple(() =>
        {
            Assert.That(verify.Output, Is.Empty, "systemd-analyze verify must print nothing");
            Assert.That(verify.ExitCode, Is.EqualTo(0));
            Assert.That(exposure.Success, Is.True, security.Output);
            Assert.That(double.Parse(exposure.Groups[1].Value, CultureInfo.InvariantCulture), Is.LessThanOrEqualTo(2.0), security.Output);
            Assert.That(File.ReadAllText(unit), Does.Contain($"ExecStart={Path.Combine(_dir, "opt", "aionis", "aionis")} serve"));
            Assert.That(File.Exists(Path.Combine(_dir, "etc", "aionis", "worker.env")), Is.True);
            Assert.That(File.Exists(Path.Combine(_dir, "etc", "aionis", "task_registry.yml")), Is.True);
        });
    }

    [Test]
    public void The_unit_stops_later_than_the_worker_shutdown_deadline_and_has_a_watchdog()
    {
        var unit = File.ReadAllLines(Path.Combine(TestEnvironment.RepositoryRoot, "deploy", "systemd", "aionis-worker.service"));
        string Value(string key) => unit.Single(l => l.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..];

        var workerDeadline = new Aionis.Worker.Configuration.WorkerOptions().ShutdownGrace + Aionis.Worker.Hosting.ShutdownDrain.UnwindTime;
        Assert.Multiple(() =>
        {
            Assert.That(Value("Type"), Is.EqualTo("notify"));
            Assert.That(TimeSpan.FromSeconds(int.Parse(Value("TimeoutStopSec"), CultureInfo.InvariantCulture)), Is.GreaterThan(workerDeadline + TimeSpan.FromSeconds(10)));
            Assert.That(int.Parse(Value("WatchdogSec"), CultureInfo.InvariantCulture), Is.GreaterThan(0));
            Assert.That(Value("StateDirectory"), Is.EqualTo("aionis"));
            Assert.That(Value("EnvironmentFile"), Is.EqualTo("-/etc/aionis/worker.env"));
            Assert.That(Value("Restart"), Is.EqualTo("on-failure"));
        });
    }

    [Test]
    public async Task Serve_tells_systemd_ready_after_sync_and_scheduler_start_pings_the_watchdog_and_says_stopping_on_sigterm()
    {
        await using var db = await TestDatabase.CreateAsync();
        var registry = Path.Combine(_dir, "task_registry.yml");
        await KeyRotationRegistry.WriteAsync(registry, "0 6 * * *", KeyRotationRegistry.RecoverableStrict);
        using var systemd = new ProductionSystemd();
        await using var serve = ServeProcess.Start(db, registry, "node-a", _dir, launcher: systemd.Launcher(watchdog: TimeSpan.FromSeconds(2)));

        await systemd.WaitForMessageAsync(m => m == "READY=1", TimeSpan.FromSeconds(60), "READY=1");
        var syncedAtReady = await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.registry_syncs WHERE accepted)");
        var checkedInAtReady = await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.qrtz_scheduler_state WHERE instance_name = 'node-a')");
        await serve.WaitUntilAsync(() => Task.FromResult(systemd.Messages.Count(m => m == "WATCHDOG=1") >= 2), TimeSpan.FromSeconds(20), "two watchdog pings");

        serve.Signal("TERM");
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var messages = systemd.Messages;
        Assert.Multiple(() =>
        {
            Assert.That(syncedAtReady, Is.True, "READY=1 before the registry was synced");
            Assert.That(checkedInAtReady, Is.True, "READY=1 before the scheduler started");
            Assert.That(messages, Has.Some.StartsWith("STATUS=running"));
            Assert.That(messages.IndexOf("STOPPING=1"), Is.GreaterThan(messages.IndexOf("READY=1")), string.Join(" | ", messages));
            Assert.That(exit, Is.EqualTo(0), serve.Output);
        });
    }

    private static void RequireSystemdAnalyze()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Assert.Fail("systemd-analyze is not installed: apt-get install -y systemd (see docs/operations.md)");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    [GeneratedRegex(@"Overall exposure level for \S+: (\d+(?:\.\d+)?)")]
    private static partial Regex ExposurePattern();
}

using System.Text.RegularExpressions;
using Aionis.Tests.Support;

namespace Aionis.Tests.Monitoring;

/// <summary>The task gauges on <c>/metrics</c> of a running serve, sampled from history every 15 s.</summary>
public sealed partial class TaskGaugeTests : BinaryTest
{
    [Test]
    public async Task A_follower_that_has_succeeded_has_its_gauges_beside_its_upstreams_and_is_never_overdue_for_want_of_a_schedule()
    {
        await File.WriteAllTextAsync(RegistryPath, AfterChainRegistry.Yaml);
        var monitored = new MonitoredServe();
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, monitored.Env());
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/readyz")).Status == 200, TimeSpan.FromSeconds(60), "/readyz 200");
        var enqueue = await AionisCli.RunAsync(["run", "digest", "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
        await serve.WaitUntilAsync(() => Db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM worker.job_runs WHERE task_id = 'backlog' AND status = 'succeeded')"),
            TimeSpan.FromSeconds(60), "the follower's success");

        // A sample taken after the follower's success names it. A follower has no registry trigger: task_status read its
        // paused flag as NULL, which left it out of the sample; and once in, its period was taken from a cron it lacks,
        // which failed the whole sample (every task and cluster gauge gone).
        var metrics = "";
        await serve.WaitUntilAsync(async () => Gauge(metrics = (await monitored.GetAsync("/metrics")).Body, "aionis_task_last_success_age_seconds", "backlog") is not null,
            TimeSpan.FromSeconds(60), "the follower's last success age on /metrics");

        var paused = await Db.ScalarAsync<bool?>("SELECT paused FROM worker.task_status WHERE task_id = 'backlog'");
        Assert.Multiple(() =>
        {
            Assert.That(paused, Is.False, "task_status: a follower is not paused (not NULL either)");
            Assert.That(Gauge(metrics, "aionis_task_last_success_age_seconds", "backlog"), Is.InRange(0, 120));
            Assert.That(Gauge(metrics, "aionis_task_last_success_age_seconds", "digest"), Is.InRange(0, 120));
            Assert.That(Gauge(metrics, "aionis_task_overdue", "backlog"), Is.EqualTo(0), "no schedule of its own, no overdue_after: never overdue");
            Assert.That(Gauge(metrics, "aionis_task_overdue", "digest"), Is.EqualTo(0));
            Assert.That(NodesAlive().Match(metrics).Groups[1].Value, Is.EqualTo("1"), "the cluster gauges come from the same sample");
        });
    }

    private static double? Gauge(string metrics, string name, string task)
    {
        var match = Regex.Match(metrics, $"^{name}\\{{[^}}]*task=\"{task}\"[^}}]*\\}} ([0-9.eE+-]+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^aionis_cluster_nodes_alive(?:\{[^}]*\})? ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex NodesAlive();
}

using System.Text.Json.Nodes;
using Aionis.Tests.Support;

namespace Aionis.Tests.Monitoring;

/// <summary>A real Prometheus scrapes a running serve and evaluates the shipped rules over what it exposes.</summary>
public sealed class PrometheusScrapeTests : BinaryTest
{
    private static readonly string RulesFile = Path.Combine(TestEnvironment.RepositoryRoot, "deploy", "prometheus", "aionis-rules.yml");

    [Test]
    public async Task Prometheus_sees_the_worker_up_loads_every_rule_and_counts_a_run_and_its_success()
    {
        // Fires on 1 January only: the one run is the one the test enqueues.
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 0 1 1 *", "notify: { on_failure: true }");
        var monitored = new MonitoredServe();
        await using var serve = ServeProcess.Start(Db, RegistryPath, "node-a", Dir, monitored.Env());
        await serve.WaitUntilAsync(async () => (await monitored.GetAsync("/readyz")).Status == 200, TimeSpan.FromSeconds(60), "/readyz 200");
        await using var prometheus = await MonitoringBinary.StartPrometheusAsync($"""
            global: {"{"} scrape_interval: 1s, evaluation_interval: 1s {"}"}
            rule_files: [aionis-rules.yml]
            scrape_configs:
              - job_name: aionis-worker
                static_configs: [{"{"} targets: ["127.0.0.1:{monitored.Port}"] {"}"}]
            """, RulesFile);

        await prometheus.WaitUntilAsync(async () => await prometheus.QueryAsync("up{job=\"aionis-worker\"}") == 1, TimeSpan.FromSeconds(30), "up == 1");
        var before = await prometheus.QueryAsync("sum(aionis_job_runs_total{task=\"key_rotation_sla\"})");
        var rules = JsonNode.Parse((await prometheus.TryGetAsync("/api/v1/rules"))!)!["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).Select(r => ((string)r!["name"]!, (string)r["health"]!)).ToList();

        var enqueue = await AionisCli.RunAsync(["run", KeyRotationRegistry.TaskId, "--enqueue", "--registry", RegistryPath], AionisCli.EnvFor(Db, Dir));
        Assert.That(enqueue.ExitCode, Is.EqualTo(0), enqueue.Stderr);
        await prometheus.WaitUntilAsync(async () => await prometheus.QueryAsync(
                "sum(aionis_job_runs_total{task=\"key_rotation_sla\", status=\"succeeded\", dry_run=\"false\"})") >= 1,
            TimeSpan.FromSeconds(60), "the run counted by Prometheus");
        // The task gauges are sampled from history every 15 s.
        await prometheus.WaitUntilAsync(async () => await prometheus.QueryAsync("aionis_task_last_success_age_seconds{task=\"key_rotation_sla\"}") is not null,
            TimeSpan.FromSeconds(45), "the task's last success age");

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.Null, "no run was counted before the enqueued one");
            Assert.That(rules.Select(r => r.Item1), Is.EquivalentTo(new[]
            {
                "AionisWorkerDown", "AionisNoNodeAlive", "AionisTaskFailing", "AionisTaskOverdue", "AionisPublishDeadLetterBacklog",
                "AionisPublishSloDegraded", "AionisPitrRpoAtRisk",
            }));
            Assert.That(rules.Select(r => r.Item2), Is.All.EqualTo("ok"), "every rule evaluates");
            Assert.That(await prometheus.QueryAsync("aionis_task_last_success_age_seconds{task=\"key_rotation_sla\"}"), Is.InRange(0, 120));
            Assert.That(await prometheus.QueryAsync("aionis_task_overdue{task=\"key_rotation_sla\"}"), Is.EqualTo(0));
            Assert.That(await prometheus.QueryAsync("aionis_cluster_nodes_alive"), Is.EqualTo(1));
            Assert.That(await prometheus.QueryAsync("aionis_runs_in_flight"), Is.EqualTo(0));
            Assert.That(await prometheus.QueryAsync("count(dotnet_gc_collections_total)"), Is.GreaterThan(0), "runtime metrics");
            Assert.That(await prometheus.QueryAsync("count(quartz_cluster_checkin_duration_seconds_count)"), Is.GreaterThan(0), "Quartz's meter");
            Assert.That(await prometheus.QueryAsync("count(db_client_connection_count)"), Is.GreaterThan(0), "Npgsql's meter");
            Assert.That(await prometheus.QueryAsync("ALERTS{alertname=\"AionisWorkerDown\"}"), Is.Null);
        });
    }
}

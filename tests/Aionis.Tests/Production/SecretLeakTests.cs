using Aionis.Tests.Support;

namespace Aionis.Tests.Production;

/// <summary>
/// Secrets stay out of logs at every level (issue 13): every operator channel type, every tenant route type and every
/// publisher runs through the real binary at Trace, and all output, history rows, delivery rows and artifacts are searched
/// for each configured secret. The receivers must have seen the secrets, so their absence from the output means something.
/// </summary>
public sealed class SecretLeakTests : BinaryTest
{
    private const string DbPassword = "DbPw7c1eSecret";
    private const string SigningKey = "HmacKey9f2dSecret";
    private const string SlackSecret = "SlackPath4b1eSecret";
    private const string WebhookSecret = "WebhookPath8d3aSecret";
    private const string PagerDutyKey = "PdRoutingKey5e6fSecret";
    private const string RouteSecret = "RouteHmac3a9bSecret";

    private static string AzureKey =>
        TestEnvironment.AzureConnectionString.Split(';').Single(p => p.StartsWith("AccountKey=", StringComparison.Ordinal))["AccountKey=".Length..];

    [Test]
    public async Task No_secret_appears_in_output_history_deliveries_or_artifacts_at_trace_level()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var gcs = await PublishingGcsFake.StartAsync();
        var env = Environment(receiver, gcs);
        await Db.AddAlertRouteAsync("acme", "webhook", receiver.Url($"/tenant/{WebhookSecret}?token={WebhookSecret}"), secret: RouteSecret);
        await Db.AddAlertRouteAsync("acme", "slack_webhook", receiver.Url($"/services/T1/B1/{SlackSecret}"));
        await Db.AddAlertRouteAsync("acme", "pagerduty_events", receiver.Url("/tenant-pd"), secret: PagerDutyKey);
        var bundle = PublishingTargets.MakeBundle(files: 3, largeBytes: 1000);
        var bucket = await PublishingTargets.NewS3BucketAsync();
        var container = await PublishingTargets.NewAzureContainerAsync();

        string[][] commands =
        [
            ["job", "alert-test"],
            ["job", "alert-test", "--tenant-id", "acme"],
            ["job", "incident-publish-hosted", "--source-dir", bundle, "--target", $"s3://{bucket}/p", "--run-id", "s3-run"],
            ["job", "incident-publish-hosted", "--source-dir", bundle, "--target", $"az://{container}/p", "--run-id", "az-run"],
            ["job", "incident-publish-hosted", "--source-dir", bundle, "--target", "gs://leak-check/p", "--run-id", "gs-run"],
            ["job", "incident-publish-hosted", "--source-dir", bundle, "--target", Path.Combine(Dir, "published"), "--run-id", "local-run"],
            ["job", "incident-bundle-hosted", "--tenant-id", "acme", "--publish-target", Path.Combine(Dir, "bundles-out"), "--no-strict"],
        ];
        var output = new List<string>();
        foreach (var command in commands)
        {
            var result = await AionisCli.RunAsync(command, env);
            Assert.That(result.ExitCode, Is.EqualTo(0), $"{string.Join(' ', command)}: {result.Stderr}");
            output.Add(result.Stdout + result.Stderr);
        }
        var logs = string.Join("\n", output);
        var history = string.Join("\n", (await Db.RowsAsync("SELECT r::text FROM worker.job_runs r")).Select(r => r["r"]))
            + string.Join("\n", (await Db.RowsAsync("SELECT s::text FROM worker.job_run_steps s")).Select(r => r["s"]))
            + string.Join("\n", (await Db.RowsAsync("SELECT d::text FROM control_alert_deliveries d")).Select(r => r["d"]));
        var artifacts = string.Join("\n", Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        var received = string.Join("\n", receiver.Requests.Select(r => r.Path + r.Body));

        Assert.Multiple(() =>
        {
            Assert.That(received, Does.Contain(SlackSecret).And.Contain(WebhookSecret).And.Contain(PagerDutyKey), "the secrets were really used");
            Assert.That(receiver.Requests, Has.Count.EqualTo(6), "three operator channels and three tenant routes");
            Assert.That(logs, Does.Contain("dbug: "), "the binary logged below Information (Trace is configured)");
            Assert.That(logs, Does.Contain($"HTTP POST {new Uri(receiver.BaseUrl).GetLeftPart(UriPartial.Authority)}/*** "), "HTTP requests are logged, redacted");
            Assert.That(artifacts, Does.Contain("evidence_index"), "the bundle was written");
            // A resumable upload's session URI lets anyone holding it write the object; Google's client must not log it.
            Assert.That(gcs.SessionIds, Is.Not.Empty, "the GCS publish went through upload sessions");
            foreach (var session in gcs.SessionIds) Assert.That(logs + history + artifacts, Does.Not.Contain(session), "a GCS upload session id is shown");
            foreach (var secret in new[] { DbPassword, SigningKey, SlackSecret, WebhookSecret, PagerDutyKey, RouteSecret, AzureKey })
            {
                Assert.That(logs, Does.Not.Contain(secret), $"output shows {secret}");
                Assert.That(history, Does.Not.Contain(secret), $"history shows {secret}");
                Assert.That(artifacts, Does.Not.Contain(secret), $"artifacts show {secret}");
            }
        });
    }

    private Dictionary<string, string?> Environment(AlertReceiver receiver, PublishingGcsFake gcs)
    {
        var env = AionisCli.EnvFor(Db, Dir);
        foreach (var (key, value) in PublishingTargets.Settings(gcs)) env[key] = value;
        env["ConnectionStrings__Aionis"] = Db.ConnectionString + $";Password={DbPassword}";
        env["Logging__LogLevel__Default"] = "Trace";
        env["INCIDENT_BUNDLE_SIGNING_KEY"] = SigningKey;
        env["Alerts__AllowInsecureTargets"] = "true";
        env["AIONIS_ALERT_CHANNELS"] = $$"""
            [{"id":"slack","type":"slack_webhook","url":"{{receiver.Url($"/services/T0/B0/{SlackSecret}")}}"},
             {"id":"pager","type":"pagerduty_events_v2","routingKey":"{{PagerDutyKey}}","url":"{{receiver.Url("/pd")}}"},
             {"id":"hook","type":"generic_webhook","url":"{{receiver.Url($"/hooks/{WebhookSecret}")}}"}]
            """;
        return env;
    }
}

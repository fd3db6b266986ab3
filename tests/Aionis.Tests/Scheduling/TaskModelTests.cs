using Aionis.Jobs.Evidence;
using Aionis.Jobs.Framework;
using Aionis.Tests.Support;
using Aionis.Worker.Scheduling;

namespace Aionis.Tests.Scheduling;

/// <summary>
/// The one task model and the one way its inputs reach a job: a value written in the registry, persisted in Quartz's
/// job data, given as an override of an enqueued run or read back from a past run binds to the same option value.
/// </summary>
public sealed class TaskModelTests
{
    // gate-command is a list that is NOT comma-separated: "echo a, b" must stay one command.
    private const string Registry = """
        version: 1
        tasks:
          - id: bundle
            job: incident-bundle-hosted
            owner: security
            description: a bundle
            schedule: "30 6 * * *"
            timeout: 10m
            overlap: queue
            jitter: 30s
            catch_up_window: 1h
            retry: { max_attempts: 3, backoff: 1m, max_backoff: 10m }
            notify: { on_failure: true, severity: critical, channels: [ops], overdue_after: 26h, long_running_after: 15m }
            permissions: [read:control_plane]
            inputs:
              window_hours: 24
              gate_command: ["echo a, b", "echo c"]
              require_signature: true
        """;

    private static readonly string[] Commands = ["echo a, b", "echo c"];

    private static TaskDefinition Task() => SchedulerHarness.Parse(Registry).Find("bundle")!;

    private static IncidentBundleOptions Bind(TaskDefinition task, IReadOnlyDictionary<string, object?> inputs, IReadOnlyDictionary<string, object?> overrides) =>
        (IncidentBundleOptions)TaskInputs.Bind(JobCatalog.Default.Get(task.Job), inputs, overrides, _ => null);

    [Test]
    public void A_list_input_reaches_the_job_the_same_from_yaml_persisted_job_data_an_override_and_a_rerun()
    {
        var task = Task();
        var persisted = TaskDefinition.FromJson(task.ToJson());
        var noOverrides = new Dictionary<string, object?>();
        var overridden = new Dictionary<string, object?>(task.Inputs) { ["gate_command"] = new List<string> { "true" } };
        // An enqueued run's overrides travel as JSON in its trigger; a rerun's come from the run's recorded inputs.
        var enqueued = TaskInputs.ParseOverrides(TaskInputs.SerializeOverrides(new Dictionary<string, object?> { ["gate_command"] = Commands.ToList() }));
        var fromYaml = Bind(task, task.Inputs, noOverrides);
        var rerun = TaskInputs.OfRecordedRun(Secrets.RedactedInputs(JobCatalog.Default.Get(task.Job), fromYaml).ToJsonString());

        Assert.Multiple(() =>
        {
            Assert.That(fromYaml.GateCommand, Is.EqualTo(Commands));
            Assert.That(fromYaml.WindowHours, Is.EqualTo(24));
            Assert.That(persisted.Inputs, Is.EquivalentTo(task.Inputs), "persisted inputs come back in the loader's shape");
            Assert.That(persisted.Inputs["window_hours"], Is.TypeOf<long>());
            Assert.That(Bind(task, persisted.Inputs, noOverrides).GateCommand, Is.EqualTo(Commands));
            Assert.That(Bind(task, overridden, enqueued).GateCommand, Is.EqualTo(Commands), "an enqueued override replaces the task's list");
            Assert.That(Bind(task, overridden, rerun).GateCommand, Is.EqualTo(Commands), "a rerun's recorded list replaces the task's list");
            Assert.That(Bind(task, overridden, noOverrides).GateCommand, Is.EqualTo(new[] { "true" }), "negative control: the override in the inputs is used");
            Assert.That(Bind(task, persisted.Inputs, rerun).WindowHours, Is.EqualTo(24));
        });
    }

    [Test]
    public void A_list_written_as_yaml_and_as_json_is_the_same_value()
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader("[\"echo a, b\", echo c]"));
        var fromYaml = TaskInputs.FromYaml(yaml.Documents[0].RootNode, out var ok);
        var fromJson = TaskInputs.FromJsonObject("""{"v": ["echo a, b", "echo c"]}""")["v"];

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(fromYaml, Is.EqualTo(Commands));
            Assert.That(fromJson, Is.EqualTo(Commands));
            Assert.That(TaskInputs.FromJsonObject("""{"n": 168}""")["n"], Is.TypeOf<long>(), "a whole number stays whole");
            Assert.That(TaskInputs.FromJsonObject("""{"n": 168, "x": 2.5, "b": true, "s": "168", "z": null}"""),
                Is.EquivalentTo(new Dictionary<string, object?> { ["n"] = 168L, ["x"] = 2.5, ["b"] = true, ["s"] = "168", ["z"] = null }));
        });
    }

    [Test]
    public void The_persisted_definition_round_trips_with_its_nested_policies()
    {
        var task = Task();
        var json = task.ToJson();
        var back = TaskDefinition.FromJson(json);

        Assert.Multiple(() =>
        {
            Assert.That(back.ToJson(), Is.EqualTo(json));
            Assert.That(back.Hash(), Is.EqualTo(task.Hash()));
            Assert.That(back.Retry, Is.EqualTo(new RetryPolicy(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10))));
            Assert.That(back.Notify.Channels, Is.EqualTo(new[] { "ops" }));
            Assert.That(back.Notify.LongRunningAfter, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(back.Notify.Declared, Is.True);
            Assert.That(json, Does.Contain("\"timeout\":600,"), "durations are seconds, so SQL over the job data reads them (aionis status)");
            Assert.That(json, Does.Not.Contain("line"), "where an entry stands in the file is not persisted (moving it changes no hash)");
        });
    }

    [Test]
    public void The_job_data_a_sync_stores_is_read_back_as_the_task_with_its_id_and_the_registry_hash()
    {
        var task = Task();
        var job = Quartz.JobBuilder.Create<Aionis.Worker.Scheduling.TaskJob>().WithIdentity(ScheduleKeys.Job(task.Id))
            .UsingJobData(task.ToJobData("registry-hash")).Build();
        var back = TaskDefinition.Of(job);

        Assert.Multiple(() =>
        {
            Assert.That(back.Id, Is.EqualTo("bundle"));
            Assert.That(back.ToJson(), Is.EqualTo(task.ToJson()));
            Assert.That(job.JobDataMap["definition_hash"], Is.EqualTo(task.Hash()), "the name PersistedSchedule reads in SQL");
            Assert.That(TaskDefinition.RegistryHashOf(job), Is.EqualTo("registry-hash"));
            Assert.That(back.Calendar, Is.Null, "what the loader derived from the file is not persisted");
        });
    }

    /// <summary>
    /// Job data written by a sync before the policies were nested (the flat shape, as stored by the previous release)
    /// is read as the same definition, so a fire, rerun or alert before the next sync still finds the task; its hash
    /// differs from the new one, so the next sync rewrites it.
    /// </summary>
    [Test]
    public void Job_data_in_the_old_flat_shape_is_read_as_the_same_definition()
    {
        const string flat = """
            {"job":"incident-bundle-hosted","inputs":{"gate_command":["echo a, b","echo c"],"require_signature":true,"window_hours":24},
             "dry_run":false,"timeout_seconds":600,"overlap":"queue","max_attempts":3,"backoff_seconds":60,"max_backoff_seconds":600,
             "notify_on_failure":true,"notify_on_gate_failed":false,"notify_severity":"critical","notify_channels":["ops"],
             "overdue_after_seconds":93600,"requests_recovery":true,"description":"a bundle","owner":"security","schedule":"30 6 * * *",
             "time_zone":"UTC","jitter_seconds":30,"catch_up_window_seconds":3600,"long_running_after_seconds":900}
            """;
        var task = Task();
        var old = TaskDefinition.FromJson(flat);

        Assert.Multiple(() =>
        {
            // Permissions were not persisted in the flat shape; everything else must match the registry's task.
            Assert.That((old with { Permissions = task.Permissions }).ToJson(), Is.EqualTo(task.ToJson()));
            Assert.That(old.Hash(), Is.Not.EqualTo(task.Hash()), "the next sync rewrites it");
            Assert.That(Bind(task, old.Inputs, new Dictionary<string, object?>()).GateCommand, Is.EqualTo(Commands));
        });
    }

    [Test]
    public void Old_flat_job_data_with_a_group_after_and_disabled_is_read()
    {
        var old = TaskDefinition.FromJson("""
            {"job":"hosted-key-rotation-sla","inputs":{},"dry_run":true,"timeout_seconds":1800,"overlap":"skip","max_attempts":1,
             "backoff_seconds":60,"max_backoff_seconds":1800,"notify_on_failure":false,"notify_on_gate_failed":false,"notify_severity":"warning",
             "notify_channels":[],"overdue_after_seconds":null,"requests_recovery":false,"description":null,"owner":null,"schedule":"",
             "time_zone":"UTC","group":"db_heavy","group_max_running":2,"after":[{"task":"up","within_seconds":7200,"status":"succeeded"}],
             "disabled":true,"long_running_p95_factor":3}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(old.Enabled, Is.False);
            Assert.That(old.DryRun, Is.True);
            Assert.That(old.RequestsRecovery, Is.False);
            Assert.That(old.Group, Is.EqualTo(new ConcurrencyGroup("db_heavy", 2)));
            Assert.That(old.After.Single(), Is.EqualTo(new AfterDependency("up", TimeSpan.FromHours(2), "succeeded")));
            Assert.That(old.Notify.LongRunningP95Factor, Is.EqualTo(3));
            Assert.That(old.Notify.Declared, Is.True);
        });
    }
}

using System.Text.Json.Nodes;
using Aionis.Data.History;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Tests.Framework;

/// <summary>
/// The one invocation path (<see cref="JobDescriptor.RunAsync"/>), the one completion (<see cref="JobCompletion"/>) and
/// the one owner of the run row (<see cref="RunRecord"/>), with jobs of this fixture's own (no database needed).
/// </summary>
public sealed class JobInvocationTests
{
    private static readonly JobCatalog Catalog = new([typeof(JobInvocationTests).Assembly]);
    private static readonly JobDescriptor Probe = Catalog.Get(ProbeJob.Name);
    private string _root = null!;

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("aionis-invocation-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task A_job_runs_from_DI_and_is_disposed_after_the_run()
    {
        using var services = Services(out var tracker);
        var summary = await Probe.RunAsync(services, new ProbeOptions(), Context());
        Assert.Multiple(() =>
        {
            Assert.That(summary, Is.TypeOf<ProbeSummary>().And.Property(nameof(IJobSummary.Ok)).True);
            Assert.That(tracker.Created, Is.EqualTo(1));
            Assert.That(tracker.Disposed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_job_that_throws_before_its_first_await_throws_its_own_exception_and_is_still_disposed()
    {
        using var services = Services(out var tracker);
        // Reflection's MethodInfo.Invoke would wrap this one in TargetInvocationException: its message would be the
        // framework's "Exception has been thrown by the target of an invocation." instead of the job's.
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Probe.RunAsync(services, new ProbeOptions { ThrowAtOnce = true }, Context()));
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Is.EqualTo("probe failed at once"));
            Assert.That(tracker.Disposed, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Completion_writes_the_out_file_and_strict_turns_a_verdict_that_is_not_ok_into_the_gate_code()
    {
        using var services = Services(out _);
        var context = Context();
        var strictNotOk = new ProbeOptions { Strict = true, NotOk = true, Out = "probe.json" };
        var gated = await JobCompletion.RunAsync(strictNotOk, context, () => Probe.RunAsync(services, strictNotOk, context));
        var lenient = new ProbeOptions { NotOk = true };
        var passed = await JobCompletion.RunAsync(lenient, context, () => Probe.RunAsync(services, lenient, context));

        Assert.Multiple(() =>
        {
            Assert.That(gated.GateFailed, Is.True);
            Assert.That(gated.ExitCode, Is.EqualTo(ExitCodes.GateFailed));
            Assert.That(gated.SummaryPath, Is.EqualTo(Path.Combine(_root, "probe.json")));
            Assert.That(JsonNode.Parse(File.ReadAllText(gated.SummaryPath!))!["ok"]!.GetValue<bool>(), Is.False);
            Assert.That(passed.GateFailed, Is.False, "without --strict a verdict that is not ok still exits 0");
            Assert.That(passed.ExitCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(passed.SummaryPath, Is.Null);
        });
    }

    [Test]
    public async Task Completion_refuses_an_out_path_outside_the_artifacts_root_before_the_job_runs()
    {
        using var services = Services(out var tracker);
        var options = new ProbeOptions { Out = "../outside.json" };
        var context = Context();
        await Assert.CatchAsync(async () => await JobCompletion.RunAsync(options, context, () => Probe.RunAsync(services, options, context)));
        Assert.That(tracker.Created, Is.Zero, "the job was started although its --out was refused");
    }

    [Test]
    public void The_run_row_is_started_with_redacted_inputs_and_finished_from_the_result()
    {
        var request = new RunRequest(Probe, new ProbeOptions { Token = "s3cr3t-token" }) { TaskId = "probe_task", DryRun = true, TriggeredBy = "cli:test" };
        var started = DateTimeOffset.Parse("2026-12-02T07:00:00Z");
        var run = RunRecord.Start(request, started, "node-a", traceId: "trace-1");
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Running));
            Assert.That(run.Inputs, Does.Not.Contain("s3cr3t-token").And.Contain(Secrets.Mask));
            Assert.That((run.RunId, run.TaskId, run.Job, run.Node, run.DryRun, run.TriggeredBy, run.TraceId),
                Is.EqualTo((request.RunId, "probe_task", ProbeJob.Name, "node-a", true, "cli:test", "trace-1")));
        });

        var context = Context();
        context.Actions.Record("probe", "target", 3);
        var log = new RunLog(TimeProvider.System);
        log.Add("info", "a line");
        var result = new RunResult(run.RunId, RunStatus.GateFailed, ExitCodes.GateFailed, false, new ProbeSummary(false), "not ok");
        RunRecord.Finish(run, result, started.AddSeconds(2), 2000, context, log);
        Assert.Multiple(() =>
        {
            Assert.That((run.Status, run.ExitCode, run.Ok, run.Error, run.DurationMs), Is.EqualTo((RunStatus.GateFailed, (int?)2, (bool?)false, "not ok", (long?)2000)));
            Assert.That(run.FinishedAt, Is.EqualTo(started.AddSeconds(2)));
            Assert.That(run.Summary, Is.EqualTo("""{"ok":false}"""));
            Assert.That(run.PlannedActions, Does.Contain("\"target\"").And.Contain("\"count\":3"));
            Assert.That(run.Artifacts, Is.EqualTo("{}"));
            Assert.That(run.Logs.Select(l => l.Message), Is.EqualTo(new[] { "a line" }));
        });
    }

    [Test]
    public void A_skipped_fire_is_finished_without_actions_or_artifacts()
    {
        var run = RunRecord.Start(new RunRequest(Probe, new ProbeOptions()), DateTimeOffset.UnixEpoch, "node-a", traceId: null);
        RunRecord.Finish(run, new RunResult(run.RunId, RunStatus.Skipped, ExitCodes.Ok, null, null, "overlap"), run.StartedAt, 0, context: null,
            new RunLog(TimeProvider.System));
        Assert.That((run.Status, run.Summary, run.PlannedActions, run.Artifacts, run.Error),
            Is.EqualTo((RunStatus.Skipped, (string?)null, (string?)null, (string?)null, "overlap")));
    }

    private JobContext Context() => new() { RunId = Guid.CreateVersion7(), ArtifactsRoot = _root };

    private static ServiceProvider Services(out InstanceTracker tracker)
    {
        tracker = new InstanceTracker();
        return new ServiceCollection().AddSingleton(tracker).BuildServiceProvider();
    }

    public sealed class InstanceTracker
    {
        public int Created { get; set; }
        public int Disposed { get; set; }
    }

    public sealed class ProbeOptions : JobOptions, IStrictOptions, ISummaryFileOptions
    {
        [Option("strict", "Exit 2 when not ok")]
        public bool Strict { get; set; }

        [Option("out", "Also write the summary to this file")]
        public string? Out { get; set; }

        [Option("token", "A secret", Secret = true)]
        public string? Token { get; set; }

        public bool NotOk { get; set; }
        public bool ThrowAtOnce { get; set; }
    }

    public sealed record ProbeSummary(bool Ok) : IJobSummary;

    [Job(Name, "A job of the invocation tests", NeedsDatabase = false)]
    public sealed class ProbeJob : IJob<ProbeOptions, ProbeSummary>, IDisposable
    {
        public const string Name = "test-invocation-probe";
        private readonly InstanceTracker _tracker;

        public ProbeJob(InstanceTracker tracker)
        {
            _tracker = tracker;
            _tracker.Created++;
        }

        // Not async on purpose: a throw here happens inside the invocation itself, before any task exists.
        public Task<ProbeSummary> RunAsync(ProbeOptions options, JobContext context) => options.ThrowAtOnce
            ? throw new InvalidOperationException("probe failed at once")
            : Task.FromResult(new ProbeSummary(!options.NotOk));

        public void Dispose() => _tracker.Disposed++;
    }
}

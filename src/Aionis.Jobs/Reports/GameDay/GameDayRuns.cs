using System.Text.Json;
using Aionis.Data.History;
using Aionis.Data.Reports;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>A game-day run as recorded, or why it cannot be acknowledged or shown (one line naming the run id).</summary>
public sealed record GameDayRun(GameDaySummary? Drill, string? Problem);

/// <summary>
/// Game-day runs after the fact, for <c>aionis game-day ack</c> and <c>show</c>: the drill as the run recorded it (its
/// summary in <c>worker.job_runs</c>), judged again with the acknowledgements people recorded since.
/// </summary>
public sealed class GameDayRuns(RunHistoryStore history, GameDayAckStore acks, TimeProvider clock)
{
    public static readonly string JobName = JobNames.Of<GameDayJob>();

    /// <summary>The drill with every recorded acknowledgement, judged as of now.</summary>
    public async Task<GameDayRun> GetAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await history.GetAsync(runId, cancellationToken);
        var problem = run switch
        {
            null => $"RUN_ID '{runId}': no such run in worker.job_runs",
            { Job: var job } when job != JobName => $"RUN_ID '{runId}': a {job} run, not a {JobName} run",
            { DryRun: true } => $"RUN_ID '{runId}': a dry run; nothing was sent, so nothing can be acknowledged",
            { Summary: null } => $"RUN_ID '{runId}': the drill has not finished ({run.Status}); acknowledge it once it has",
            _ => null,
        };
        if (problem is not null) return new GameDayRun(null, problem);
        var drill = JsonSerializer.Deserialize<GameDaySummary>(run!.Summary!, JobJson.Options)!;
        return new GameDayRun(GameDayVerdict.WithAcks(drill, await acks.ForRunAsync(runId, cancellationToken), clock.GetUtcNow()), null);
    }

    /// <summary>
    /// Records that <paramref name="by"/> acknowledged (or, for <c>restore</c>, restored) the step at <paramref name="at"/>;
    /// the drill judged again, or the one-line problem: an unknown step, a time before the alert went out or in the
    /// future, a step already acknowledged.
    /// </summary>
    public async Task<GameDayRun> AcknowledgeAsync(Guid runId, string step, DateTimeOffset at, string by, string? comment, CancellationToken cancellationToken)
    {
        var (drill, problem) = await GetAsync(runId, cancellationToken);
        if (drill is null) return new GameDayRun(null, problem);
        var now = clock.GetUtcNow();
        var steps = GameDayVerdict.AcknowledgeableSteps(drill);
        var delivery = drill.Deliveries.FirstOrDefault(d => d.Step == step);
        var sentAt = delivery?.SentAt ?? drill.Deliveries.Where(d => d.SentAt is not null).Select(d => d.SentAt!.Value).DefaultIfEmpty(drill.StartedAt).Min();
        problem = step switch
        {
            _ when !steps.Contains(step) => $"--step '{step}': allowed {(steps.Count == 0 ? "none (no channel accepted the alert)" : string.Join(", ", steps))}",
            _ when at > now => $"--at '{Iso(at)}': in the future (now {Iso(now)})",
            _ when at < sentAt => $"--at '{Iso(at)}': before the alert went out ({Iso(sentAt)})",
            _ when delivery?.AcknowledgedAt is { } acked => $"--step '{step}': already acknowledged by {delivery.AcknowledgedBy} at {Iso(acked)}",
            GameDayRestore.StepName when drill.Restore is { RestoredAt: { } restored } => $"--step '{step}': already restored at {Iso(restored)} ({drill.Restore.RestoredBy})",
            GameDayRestore.StepName when drill.Restore?.Status == GameDayRestore.NeverDown => $"--step '{step}': the backend was never seen down; nothing to restore",
            _ => null,
        };
        if (problem is not null) return new GameDayRun(null, problem);
        if (await acks.AddAsync(new GameDayAck(runId, step, at, by, now, comment), cancellationToken) is null)
        {
            return new GameDayRun(null, $"--step '{step}': already acknowledged (recorded meanwhile)");
        }
        return await GetAsync(runId, cancellationToken);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

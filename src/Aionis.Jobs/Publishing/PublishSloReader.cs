using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// The incident-publish SLO report: one pass over the tenant's queue rows counts both windows by
/// current status (filtered on <c>updated_at</c>) and the all-time backlog; thresholds adapt to the baseline.
/// Shared by the SLO gate and alert dispatch (<c>incident_publish_slo_degraded</c>).
/// </summary>
public sealed class PublishSloReader(NpgsqlDataSource dataSource)
{
    /// <summary>The one statement behind the report (public so the benchmark can compare it with alternatives).</summary>
    public const string CountsSql = """
        SELECT status,
               count(*) FILTER (WHERE updated_at > $2::timestamptz - $3::interval AND updated_at <= $2) AS in_current,
               count(*) FILTER (WHERE updated_at > $2::timestamptz - $4::interval AND updated_at <= $2::timestamptz - $3::interval) AS in_baseline,
               count(*) AS all_time
          FROM control_incident_publish_jobs
         WHERE tenant_id = $1
         GROUP BY status
        """;

    public async Task<PublishSloReport> ReadAsync(string tenantId, PublishSloThresholds thresholds, DateTimeOffset anchor, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(CountsSql);
            command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            command.Parameters.Add(new NpgsqlParameter { Value = anchor });
            command.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromHours(thresholds.WindowHours) });
            command.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromHours(thresholds.BaselineHours) });
            var current = new Dictionary<string, long>();
            var baseline = new Dictionary<string, long>();
            var allTime = new Dictionary<string, long>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var status = reader.GetString(0);
                    current[status] = reader.GetInt64(1);
                    baseline[status] = reader.GetInt64(2);
                    allTime[status] = reader.GetInt64(3);
                }
            }
            var backlog = new PublishBacklog(
                allTime.GetValueOrDefault("pending") + allTime.GetValueOrDefault("processing") + allTime.GetValueOrDefault("failed"),
                allTime.GetValueOrDefault("dead_letter"));
            return Evaluate(tenantId, thresholds, anchor, Metrics(current), Metrics(baseline), backlog);
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return new PublishSloReport { Ok = false, TenantId = tenantId, GeneratedAt = anchor, Warning = "incident_publish_schema_missing" };
        }
    }

    /// <summary>The gate's rules over counted metrics: adaptive thresholds, then warning and critical signals.</summary>
    public static PublishSloReport Evaluate(string tenantId, PublishSloThresholds t, DateTimeOffset anchor,
        PublishWindowMetrics current, PublishWindowMetrics baseline, PublishBacklog backlog)
    {
        var baselineUsable = baseline.TotalProcessed >= t.MinJobs;
        var failureThreshold = Math.Max(t.FailureRateFloor, baselineUsable ? baseline.FailureRate * t.AdaptiveMultiplier : t.FailureRateFloor);
        var deadLetterThreshold = Math.Max(t.DeadLetterRateFloor, baselineUsable ? baseline.DeadLetterRate * t.AdaptiveMultiplier : t.DeadLetterRateFloor);
        var currentUsable = current.TotalProcessed >= t.MinJobs;

        var warnings = new List<string>();
        var criticals = new List<string>();
        if (currentUsable && current.FailureRate > failureThreshold) warnings.Add("failure_rate_above_threshold");
        if (currentUsable && current.DeadLetterRate > deadLetterThreshold) warnings.Add("dead_letter_rate_above_threshold");
        if (backlog.OpenBacklog > t.BacklogWarningAbs) warnings.Add("open_backlog_above_threshold");
        if (backlog.DeadLetterBacklog > t.DeadLetterBacklogWarningAbs) warnings.Add("dead_letter_backlog_above_threshold");
        if (currentUsable && current.FailureRate > 1.5 * failureThreshold) criticals.Add("failure_rate_far_above_threshold");
        if (currentUsable && current.DeadLetterRate > 1.5 * deadLetterThreshold) criticals.Add("dead_letter_rate_far_above_threshold");
        if (backlog.DeadLetterBacklog > t.DeadLetterBacklogCriticalAbs) criticals.Add("dead_letter_backlog_critical");

        return new PublishSloReport
        {
            Ok = true,
            TenantId = tenantId,
            GeneratedAt = anchor,
            Snapshot = new PublishSloSnapshot(anchor, t.WindowHours, t.BaselineHours),
            Thresholds = new PublishSloReportThresholds(t.MinJobs, t.AdaptiveMultiplier, t.FailureRateFloor, t.DeadLetterRateFloor,
                JobMath.Round6(failureThreshold), JobMath.Round6(deadLetterThreshold),
                t.BacklogWarningAbs, t.DeadLetterBacklogWarningAbs, t.DeadLetterBacklogCriticalAbs),
            Metrics = new PublishSloMetrics(current, baseline, backlog),
            Degraded = warnings.Count + criticals.Count > 0,
            Severity = criticals.Count > 0 ? "critical" : warnings.Count > 0 ? "warning" : null,
            WarningSignals = warnings,
            CriticalSignals = criticals,
        };
    }

    private static PublishWindowMetrics Metrics(Dictionary<string, long> byStatus) =>
        Metrics(byStatus.GetValueOrDefault("succeeded"), byStatus.GetValueOrDefault("failed"), byStatus.GetValueOrDefault("dead_letter"));

    /// <summary>The reference's buildMetrics: rates over succeeded+failed+dead_letter, rounded to 6 decimals before use.</summary>
    public static PublishWindowMetrics Metrics(long succeeded, long failed, long deadLetter)
    {
        var total = succeeded + failed + deadLetter;
        return new PublishWindowMetrics(succeeded, failed, deadLetter, total,
            total == 0 ? 0 : JobMath.Round6((double)(failed + deadLetter) / total),
            total == 0 ? 0 : JobMath.Round6((double)deadLetter / total));
    }
}

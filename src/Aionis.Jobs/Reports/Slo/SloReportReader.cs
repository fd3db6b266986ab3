using Aionis.Data.Reports;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>Measures every SLO of the file over a window, from daily counts aggregated in Postgres.</summary>
public sealed class SloReportReader(TrafficReader traffic, SloHistory history, NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<SloResult>> ReadAsync(SloFile file, SloWindow window, CancellationToken ct)
    {
        var days = window.Days();
        var results = new List<SloResult>();
        var trafficByThreshold = new Dictionary<double, IReadOnlyList<DayTraffic>>();
        async Task<IReadOnlyList<DayTraffic>> Traffic(double slowMs) => trafficByThreshold.TryGetValue(slowMs, out var t) ? t
            : trafficByThreshold[slowMs] = await traffic.DailyAsync(window.From, window.To, slowMs, ct);

        foreach (var slo in file.Slos)
        {
            switch (slo.Kind)
            {
                case SloKinds.Availability:
                    var fleet = (await Traffic(double.MaxValue)).Where(d => d.Endpoint is null).ToDictionary(d => d.Day);
                    results.Add(SloResult.Evaluate(slo, null, Series(days, d => fleet.TryGetValue(d, out var t) ? (t.Requests - t.ServerErrors, t.Requests) : (0, 0))));
                    break;
                case SloKinds.Latency:
                    var rows = await Traffic(slo.ThresholdMs!.Value);
                    var p95 = await traffic.ByEndpointAsync(window.From, window.To, slo.ThresholdMs.Value, ct);
                    foreach (var endpoint in rows.Where(r => r.Endpoint is not null).Select(r => r.Endpoint!).Distinct().Order(StringComparer.Ordinal))
                    {
                        var byDay = rows.Where(r => r.Endpoint == endpoint).ToDictionary(r => r.Day);
                        results.Add(SloResult.Evaluate(slo, endpoint,
                            Series(days, d => byDay.TryGetValue(d, out var t) ? (t.Requests - t.Slow, t.Requests) : (0, 0)),
                            p95.FirstOrDefault(e => e.Endpoint == endpoint)?.P95Ms is { } p ? Math.Round(p, 3) : null));
                    }
                    break;
                case SloKinds.PublishSuccess:
                    var publish = await PublishDailyAsync(window, ct);
                    results.Add(SloResult.Evaluate(slo, null, Series(days, d => publish.GetValueOrDefault(d))));
                    break;
                case SloKinds.ScheduledSuccess:
                    var runs = (await history.TaskDailyAsync(slo.Task!, window.From, window.To, ct)).ToDictionary(r => r.Day);
                    var scheduled = window.WholeDays().ToHashSet();
                    results.Add(SloResult.Evaluate(slo, null, Series(days, d => scheduled.Contains(d)
                        ? (runs.TryGetValue(d, out var r) && r.Succeeded > 0 ? 1 : 0, 1) : (0, 0))));
                    break;
                default:
                    var task = (await history.TaskDailyAsync(slo.Task!, window.From, window.To, ct)).ToDictionary(r => r.Day);
                    results.Add(SloResult.Evaluate(slo, null, Series(days, d => task.TryGetValue(d, out var r) ? (r.Succeeded, r.Finished) : (0, 0))));
                    break;
            }
        }
        return results;
    }

    private static List<(DateOnly Day, long Good, long Total)> Series(IReadOnlyList<DateOnly> days, Func<DateOnly, (long Good, long Total)> of) =>
        days.Select(d => { var (good, total) = of(d); return (d, good, total); }).ToList();

    /// <summary>Finished publish jobs per UTC day of their last update: succeeded (good) of succeeded + failed + dead_letter.</summary>
    private async Task<Dictionary<DateOnly, (long Good, long Total)>> PublishDailyAsync(SloWindow window, CancellationToken ct)
    {
        var result = new Dictionary<DateOnly, (long, long)>();
        try
        {
            await using var command = dataSource.CreateCommand("""
                SELECT (updated_at AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE status = 'succeeded'), count(*)
                  FROM control_incident_publish_jobs
                 WHERE status IN ('succeeded', 'failed', 'dead_letter') AND updated_at >= $1 AND updated_at < $2
                 GROUP BY 1
                """);
            command.Parameters.Add(new() { Value = window.From });
            command.Parameters.Add(new() { Value = window.To });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result[DateOnly.FromDateTime(reader.GetDateTime(0))] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            // No publish queue: no events, which the SLO reports as a warning.
        }
        return result;
    }
}

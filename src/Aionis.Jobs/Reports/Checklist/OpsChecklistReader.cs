using System.Text.Json;
using Aionis.Data.Incidents;
using Aionis.Data.Reports;
using Aionis.Jobs.Backups;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Npgsql;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.Checklist;

/// <summary>The checklist's window, checks and the numbers behind them.</summary>
public sealed record ChecklistResult(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Check> Checks, long DatabaseSizeBytes, ChecklistDetails Details);

/// <summary>Reads everything a shift checklist looks at and judges each check against the options' thresholds.</summary>
public sealed class OpsChecklistReader(OpsHistory history, TrafficReader traffic, IncidentReports incidents, IncidentStore incidentStore,
    NpgsqlDataSource dataSource, IConfiguration configuration)
{
    /// <summary>Without an earlier evening checklist, "overnight" is the 14 h since 18:00.</summary>
    private static readonly TimeSpan DefaultOvernight = TimeSpan.FromHours(14);
    private const int ProblemRunLimit = 50;

    public async Task<ChecklistResult> MorningAsync(OpsChecklistOptions o, JobContext context)
    {
        var (now, ct) = (context.Now, context.CancellationToken);
        var lastEvening = await history.LastStartWithInputAsync(JobNames.Of<OpsChecklistJob>(), "shift", OpsChecklistOptions.Evening, now, ct);
        var from = lastEvening is { } e && now - e <= TimeSpan.FromDays(7) ? e : now - DefaultOvernight;
        var since = lastEvening is null ? "the last 14 h (no evening checklist yet)" : $"the evening checklist of {Stamp(from)}";

        var nodes = await history.NodesAsync(ct);
        var overdue = await history.OverdueTasksAsync(now, TimeSpan.FromMinutes(o.OverdueMinutes), ct);
        var backup = await history.LastRunAsync([JobNames.Of<BackupCreateJob>()], now,
            JsonNamingPolicy.SnakeCaseLower.ConvertName(nameof(BackupCreateSummary.DumpSizeBytes)), ct);
        var drill = await history.LastRunAsync([JobNames.Of<BackupDrillJob>(), JobNames.Of<PitrRestoreDrillJob>()], now, null, ct);
        var alerts = await history.OperatorAlertsAsync(from, now, ct);
        var window = await traffic.ByEndpointAsync(now - TimeSpan.FromHours(o.ErrorWindowHours), now, o.MaxP95Ms, ct);
        var runs = await history.RunsByStatusAsync(from, now, ct);
        var problems = await history.ProblemRunsAsync(from, now, ProblemRunLimit, ct);
        var pauses = await history.OpenPausesAsync(now, ct);
        var deadLetters = await DeadLetterBacklogAsync(ct);
        var bySeverity = await OpenIncidentsBySeverityAsync(now, ct);

        var span = $"last {o.ErrorWindowHours} h";
        var checks = new List<Check>
        {
            NodesCheck(nodes, now),
            overdue.Count == 0 ? Check.Pass("tasks_overdue", 0, $"no task is more than {o.OverdueMinutes} min past its fire time")
                : Check.Fail("tasks_overdue", overdue.Count, $"{overdue.Count} overdue: {string.Join(", ", overdue.Take(5).Select(t => $"{t.TaskId} (due {Stamp(t.NextFireTime)})"))}"),
            BackupCheck(backup, now, o.MaxBackupAgeHours),
            DrillCheck(drill, now, o.MaxDrillAgeDays),
            AlertsCheck(alerts, since),
            ErrorRateCheck(window[0], o.MaxErrorRate, span),
            LatencyCheck(window, o.MaxP95Ms, span),
            RunsCheck("runs_overnight", runs, $"since {since}"),
            pauses.Count == 0 ? Check.Pass("tasks_paused", 0, "no task is paused")
                : Check.Warn("tasks_paused", pauses.Count, string.Join("; ", pauses.Select(p => $"{p.TaskId}: {p.Reason}"))),
            DeadLetterCheck(deadLetters, o.MaxDeadLetter),
        };
        if (bySeverity is not null) checks.Add(IncidentsCheck(bySeverity));

        var details = new ChecklistDetails(nodes, overdue, backup, drill, alerts, window, null, runs, problems, pauses, deadLetters, bySeverity,
            null, null, null);
        return new ChecklistResult(from, now, checks, await history.DatabaseSizeAsync(ct), details);
    }

    public async Task<ChecklistResult> EveningAsync(OpsChecklistOptions o, JobContext context)
    {
        var (now, ct) = (context.Now, context.CancellationToken);
        var from = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var day = await traffic.ByEndpointAsync(from, now, o.MaxP95Ms, ct);
        var peak = await traffic.PeakHourAsync(from, now, ct);
        var runs = await history.RunsByStatusAsync(from, now, ct);
        var problems = await history.ProblemRunsAsync(from, now, ProblemRunLimit, ct);
        var pauses = await history.OpenPausesAsync(now, ct);
        var openBySeverity = await OpenIncidentsBySeverityAsync(now, ct);
        var today = await IncidentsAsync(() => incidents.CountsAsync(from, now, ct));
        var database = await DatabaseAsync(now, ct);
        var free = FreeSpaceOf(context, o);
        var handoff = await HandoffAsync(now, pauses, ct);

        var span = $"today since 00:00 UTC";
        var checks = new List<Check>
        {
            ErrorRateCheck(day[0], o.MaxErrorRate, span),
            LatencyCheck(day, o.MaxP95Ms, span),
            peak is null ? Check.Pass("peak_hour", 0, "no requests today")
                : Check.Pass("peak_hour", peak.Requests, $"{peak.Hour.UtcDateTime:HH}:00–{peak.Hour.UtcDateTime.AddHours(1):HH}:00 UTC with {Count(peak.Requests)} requests"),
            RunsCheck("runs_today", runs, span),
        };
        if (today is not null)
        {
            var severity = today.Where(c => c.Dimension == "severity").ToList();
            checks.Add(Check.Pass("incidents_today", severity.Sum(c => c.Opened),
                $"{severity.Sum(c => c.Opened)} opened, {severity.Sum(c => c.Resolved)} resolved today"));
        }
        if (openBySeverity is not null) checks.Add(IncidentsCheck(openBySeverity));
        checks.Add(DatabaseCheck(database, o.MaxDbGrowthPercent));
        checks.Add(FreeSpaceCheck(free, o.MinFreePercent));
        checks.Add(Check.Pass("handoff", handoff.OpenIncidents.Count + handoff.FollowupsDue24h.Count + handoff.PausedTasks.Count,
            $"{handoff.OpenIncidents.Count} open incident(s), {handoff.FollowupsDue24h.Count} follow-up(s) due in 24 h, {handoff.PausedTasks.Count} paused task(s)"));

        var details = new ChecklistDetails(null, null, null, null, null, day, peak, runs, problems, pauses, null, openBySeverity, database, free, handoff);
        return new ChecklistResult(from, now, checks, database.SizeBytes, details);
    }

    private static Check NodesCheck(IReadOnlyList<NodeCheckin> nodes, DateTimeOffset now)
    {
        // A node is silent once it missed about four check-ins (at least a minute), as the cluster itself would judge it.
        var silent = nodes.Where(n => now - n.LastCheckinAt > TimeSpan.FromTicks(Math.Max(4 * n.CheckinInterval.Ticks, TimeSpan.FromMinutes(1).Ticks))).ToList();
        var live = nodes.Count - silent.Count;
        if (nodes.Count == 0) return Check.Fail("nodes_checked_in", 0, "no cluster node has ever checked in");
        if (live == 0) return Check.Fail("nodes_checked_in", 0, $"no node checked in recently: {Silent(silent, now)}");
        return silent.Count == 0 ? Check.Pass("nodes_checked_in", live, $"{live} node(s) checked in: {string.Join(", ", nodes.Select(n => n.Node))}")
            : Check.Warn("nodes_checked_in", live, $"{live} of {nodes.Count} checked in; silent: {Silent(silent, now)}");
    }

    private static string Silent(IEnumerable<NodeCheckin> silent, DateTimeOffset now) =>
        string.Join(", ", silent.Select(n => $"{n.Node} (last {Hours(now - n.LastCheckinAt)} ago)"));

    private static Check BackupCheck(LastRun? backup, DateTimeOffset now, int maxAgeHours)
    {
        if (backup is null) return Check.Fail("backup_last_night", null, "no live backup-create run in the history");
        var age = now - backup.StartedAt;
        var value = Math.Round(age.TotalHours, 2);
        if (age > TimeSpan.FromHours(maxAgeHours)) return Check.Fail("backup_last_night", value, $"the last backup-create started {Hours(age)} ago (more than {maxAgeHours} h)");
        return backup.Status == Data.History.RunStatus.Succeeded
            ? Check.Pass("backup_last_night", value, $"succeeded {Hours(age)} ago, dump {Bytes(backup.SummaryNumber)}")
            : Check.Fail("backup_last_night", value, $"{backup.Status} {Hours(age)} ago: {backup.Error ?? "no error recorded"}");
    }

    private static Check DrillCheck(LastRun? drill, DateTimeOffset now, int maxAgeDays)
    {
        if (drill is null) return Check.Warn("restore_drill", null, "no restore drill in the history");
        var age = now - drill.StartedAt;
        var days = Math.Round(age.TotalDays, 2);
        if (drill.Status != Data.History.RunStatus.Succeeded) return Check.Fail("restore_drill", days, $"the last drill {drill.Status} {Number(days)} d ago: {drill.Error ?? "no error recorded"}");
        return age > TimeSpan.FromDays(maxAgeDays) ? Check.Warn("restore_drill", days, $"the last drill succeeded {Number(days)} d ago (more than {maxAgeDays} d)")
            : Check.Pass("restore_drill", days, $"the last drill succeeded {Number(days)} d ago");
    }

    private static Check AlertsCheck(IReadOnlyList<AlertSeverityCount> alerts, string since)
    {
        var opened = alerts.Sum(a => a.OpenedInWindow);
        var open = alerts.Where(a => a.Open > 0).ToList();
        var reason = $"{opened} opened since {since}; open: {(open.Count == 0 ? "none" : string.Join(", ", open.Select(a => $"{a.Open} {a.Severity}")))}";
        if (open.Any(a => a.Severity == "critical")) return Check.Fail("operator_alerts", opened, reason);
        return open.Count > 0 ? Check.Warn("operator_alerts", opened, reason) : Check.Pass("operator_alerts", opened, reason);
    }

    private static Check ErrorRateCheck(EndpointTraffic fleet, double max, string span)
    {
        if (fleet.Requests == 0) return Check.Warn("error_rate", null, $"no requests in the {span}");
        var rate = JobMath.Round6(fleet.ErrorRate!.Value);
        var reason = $"{Count(fleet.ServerErrors)} server errors of {Count(fleet.Requests)} requests ({Percent(rate, 3)}, {span}; limit {Percent(max, 3)})";
        return rate >= max ? Check.Fail("error_rate", rate, reason) : Check.Pass("error_rate", rate, reason);
    }

    private static Check LatencyCheck(IReadOnlyList<EndpointTraffic> traffic, double maxMs, string span)
    {
        var endpoints = traffic.Where(t => t.Endpoint is not null && t.P95Ms is not null).ToList();
        if (endpoints.Count == 0) return Check.Warn("p95_latency", null, $"no requests in the {span}");
        var worst = endpoints.MaxBy(t => t.P95Ms)!;
        var over = endpoints.Where(t => t.P95Ms > maxMs).ToList();
        var value = Math.Round(worst.P95Ms!.Value, 3);
        return over.Count == 0 ? Check.Pass("p95_latency", value, $"every endpoint ≤ {Ms(maxMs)}; worst {worst.Endpoint} {Ms(worst.P95Ms)} ({span})")
            : Check.Fail("p95_latency", value, $"over {Ms(maxMs)}: {string.Join(", ", over.Select(t => $"{t.Endpoint} {Ms(t.P95Ms)}"))} ({span})");
    }

    private static Check RunsCheck(string name, IReadOnlyList<KeyCount> runs, string span)
    {
        long N(params string[] statuses) => runs.Where(r => statuses.Contains(r.Key)).Sum(r => r.Count);
        var failed = N(Data.History.RunStatus.Failed, Data.History.RunStatus.TimedOut, Data.History.RunStatus.Abandoned);
        var gate = N(Data.History.RunStatus.GateFailed);
        var reason = $"{runs.Sum(r => r.Count)} runs {span}: {(runs.Count == 0 ? "none" : string.Join(", ", runs.Select(r => $"{r.Count} {r.Key}")))}";
        if (failed > 0) return Check.Fail(name, failed + gate, reason);
        return gate > 0 ? Check.Warn(name, gate, reason) : Check.Pass(name, 0, reason);
    }

    private static Check DeadLetterCheck(long? backlog, int max) => backlog switch
    {
        null => Check.Warn("publish_dead_letter", null, "the publish queue table is missing"),
        0 => Check.Pass("publish_dead_letter", 0, "no publish job in dead_letter"),
        var n when n <= max => Check.Warn("publish_dead_letter", n, $"{n} publish job(s) in dead_letter (replay them; more than {max} fails)"),
        var n => Check.Fail("publish_dead_letter", n, $"{n} publish job(s) in dead_letter, more than {max}"),
    };

    private static Check IncidentsCheck(IReadOnlyList<DimensionCount> open)
    {
        long N(string severity) => open.FirstOrDefault(c => c.Key == severity)?.StillOpen ?? 0;
        var (p0, p1) = (N("P0"), N("P1"));
        var reason = $"open now: {p0} P0, {p1} P1, {N("P2")} P2, {N("P3")} P3";
        if (p0 > 0) return Check.Fail("open_p0_p1_incidents", p0 + p1, reason);
        return p1 > 0 ? Check.Warn("open_p0_p1_incidents", p1, reason) : Check.Pass("open_p0_p1_incidents", 0, reason);
    }

    private static Check DatabaseCheck(DatabaseGrowth db, double maxGrowthPercent)
    {
        if (db.GrowthPercent is not { } growth)
            return Check.Pass("database_size", db.SizeBytes, $"{Bytes(db.SizeBytes)}; no evening figure from 7 days ago yet to compare with");
        var reason = $"{Bytes(db.SizeBytes)}, {(growth >= 0 ? "+" : "")}{Number(growth, "0.#")} % since {Stamp(db.Measured7dAgoAt!.Value)} (limit +{Number(maxGrowthPercent)} %)";
        return growth > maxGrowthPercent ? Check.Warn("database_size", db.SizeBytes, reason) : Check.Pass("database_size", db.SizeBytes, reason);
    }

    private static Check FreeSpaceCheck(IReadOnlyList<FreeSpace> free, double minPercent)
    {
        var worst = free.MinBy(f => f.FreePercent)!;
        var reason = string.Join(", ", free.Select(f => $"{f.Location} {Number(f.FreePercent, "0.#")} % free ({Bytes(f.FreeBytes)})"));
        if (worst.FreePercent < minPercent) return Check.Fail("free_space", worst.FreePercent, $"{reason}; below {Number(minPercent)} %");
        return worst.FreePercent < 2 * minPercent ? Check.Warn("free_space", worst.FreePercent, $"{reason}; below {Number(2 * minPercent)} %")
            : Check.Pass("free_space", worst.FreePercent, reason);
    }

    private async Task<DatabaseGrowth> DatabaseAsync(DateTimeOffset now, CancellationToken ct)
    {
        var size = await history.DatabaseSizeAsync(ct);
        var earlier = await history.LastRunAsync([JobNames.Of<OpsChecklistJob>()], now - TimeSpan.FromDays(7),
            JsonNamingPolicy.SnakeCaseLower.ConvertName(nameof(OpsChecklistSummary.DatabaseSizeBytes)), ct);
        var before = earlier?.SummaryNumber;
        double? growth = before is > 0 ? JobMath.Round6(100.0 * (size - before.Value) / before.Value) : null;
        return new DatabaseGrowth(size, before, before is null ? null : earlier!.StartedAt, growth, await history.BiggestTablesAsync(5, ct));
    }

    private List<FreeSpace> FreeSpaceOf(JobContext context, OpsChecklistOptions o)
    {
        var spool = configuration["Worker:SpoolDirectory"] is { Length: > 0 } s ? s : "/var/lib/aionis/spool";
        return
        [
            Measure("artifacts", context.ArtifactsRoot),
            Measure("backups", context.ResolvePath(o.BackupsDir, "backups-dir")),
            Measure("spool", Path.GetFullPath(spool)),
        ];
    }

    /// <summary>The file system holding <paramref name="path"/> (or its nearest existing parent: a folder not made yet).</summary>
    private static FreeSpace Measure(string location, string path)
    {
        var existing = path;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        var drive = new DriveInfo(existing);
        return new FreeSpace(location, path, drive.AvailableFreeSpace, drive.TotalSize);
    }

    private async Task<Handoff> HandoffAsync(DateTimeOffset now, IReadOnlyList<OpenPause> pauses, CancellationToken ct)
    {
        var open = await IncidentsAsync(async () =>
        {
            var list = new List<Incident>();
            foreach (var status in new[] { IncidentStatus.Open, IncidentStatus.Mitigating })
                list.AddRange(await incidentStore.ListAsync(new IncidentQuery(Status: status, Limit: 100), ct));
            return (IReadOnlyList<Incident>)list.OrderBy(i => i.Severity, StringComparer.Ordinal).ThenBy(i => i.StartedAt).ToList();
        }) ?? [];
        var followups = await IncidentsAsync(() => incidents.OpenFollowupsAsync(now, 200, ct)) ?? [];
        return new Handoff(open, followups.Where(f => f.DueAt is { } due && due <= now + TimeSpan.FromHours(24)).ToList(), pauses);
    }

    private Task<IReadOnlyList<DimensionCount>?> OpenIncidentsBySeverityAsync(DateTimeOffset now, CancellationToken ct) =>
        IncidentsAsync(async () => (IReadOnlyList<DimensionCount>)(await incidents.CountsAsync(now, now, ct)).Where(c => c.Dimension == "severity").ToList());

    /// <summary>The incident log's tables exist once it is in use; without them the incident lines are left out.</summary>
    private static async Task<T?> IncidentsAsync<T>(Func<Task<T>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return null;
        }
    }

    private async Task<long?> DeadLetterBacklogAsync(CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM control_incident_publish_jobs WHERE status = 'dead_letter'");
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (PostgresFailures.IsUndefinedTable(e))
        {
            return null;
        }
    }
}

using System.Globalization;
using Aionis.Data.Incidents;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using Npgsql;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// The alerts triage reads: the worker's operator alert episodes (<see cref="OperatorAlertFeed"/>) and the tenant
/// events of the Alerts area's own detector (<see cref="AlertEventDetector"/>), as inbox rows with stable keys.
/// </summary>
public sealed class TriageSources(OperatorAlertFeed operatorAlerts, AlertEventDetector detector, NpgsqlDataSource dataSource)
{
    public const string WorkerService = "aionis-worker";
    public const string ControlPlaneService = "aionis-control-plane";

    public sealed record Collected(IReadOnlyList<InboxAlert> Alerts, IReadOnlyList<string> NotEvaluated);

    public async Task<Collected> ReadAsync(AlertTriageOptions options, JobContext context)
    {
        var alerts = new List<InboxAlert>();
        var notEvaluated = new List<string>();
        if (options.Sources.Contains(AlertTriageOptions.OperatorSource))
        {
            foreach (var episode in await operatorAlerts.ReadAsync(context.Now - TimeSpan.FromDays(options.LookbackDays), context.CancellationToken))
            {
                alerts.Add(FromOperator(episode, options.Env, context.Now));
            }
        }
        if (options.Sources.Contains(AlertTriageOptions.TenantSource))
        {
            var interval = TimeSpan.FromMinutes(options.TenantEventIntervalMinutes);
            var bucket = new DateTimeOffset(context.Now.UtcTicks - context.Now.UtcTicks % interval.Ticks, TimeSpan.Zero);
            foreach (var tenant in await TenantsAsync(options.Tenants, context.CancellationToken))
            {
                var detection = await detector.DetectAsync(new AlertDispatchOptions { TenantId = tenant, EventTypes = options.EventTypes }, context);
                alerts.AddRange(detection.Events.Select(e => FromTenantEvent(tenant, e, options.Env, bucket, context.Now)));
                notEvaluated.AddRange(detection.NotEvaluated.Select(n => $"{tenant}:{n.EventType}: {n.Reason}"));
            }
        }
        return new Collected(alerts, notEvaluated);
    }

    /// <summary>One inbox row per new occurrence count of the episode (opened_at tells one episode of a task from the next).</summary>
    private static InboxAlert FromOperator(OperatorAlertRow episode, string env, DateTimeOffset now)
    {
        var episodeKey = $"operator:{episode.TaskId}:{episode.Kind}:{episode.OpenedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:";
        var error = episode.LastError?.Split('\n')[0];
        return new InboxAlert
        {
            AlertKey = episodeKey + episode.Occurrences.ToString(CultureInfo.InvariantCulture),
            EpisodeKey = episodeKey,
            EpisodeTotal = episode.Occurrences,
            Source = AlertTriageOptions.OperatorSource,
            ReceivedAt = now,
            Service = WorkerService,
            Env = env,
            Kind = $"job_{episode.Kind}",
            Severity = episode.Severity,
            Fingerprint = episode.TaskId,
            Summary = $"task {episode.TaskId}: {episode.Kind.Replace('_', ' ')}" + (error is { Length: > 0 } ? $": {error}" : ""),
        };
    }

    /// <summary>A tenant event counts once per interval while it is detected.</summary>
    private static InboxAlert FromTenantEvent(string tenant, AlertEvent alert, string env, DateTimeOffset bucket, DateTimeOffset now)
    {
        var key = $"tenant:{tenant}:{alert.EventType}:{bucket.UtcDateTime.ToString("yyyyMMddTHHmm", CultureInfo.InvariantCulture)}";
        return new InboxAlert
        {
            AlertKey = key,
            EpisodeKey = key,
            EpisodeTotal = 1,
            Source = AlertTriageOptions.TenantSource,
            ReceivedAt = now,
            Service = ControlPlaneService,
            Env = env,
            Kind = alert.EventType,
            Severity = alert.Severity,
            Fingerprint = tenant,
            Summary = alert.Summary,
        };
    }

    private async Task<IReadOnlyList<string>> TenantsAsync(string[] tenants, CancellationToken cancellationToken)
    {
        if (!tenants.Contains("*")) return tenants;
        await using var command = dataSource.CreateCommand("SELECT tenant_id FROM control_tenants WHERE status = 'active' ORDER BY tenant_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var all = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) all.Add(reader.GetString(0));
        return all;
    }
}

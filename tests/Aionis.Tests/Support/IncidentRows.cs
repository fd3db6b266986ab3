using System.Security.Cryptography;
using System.Text;
using Aionis.Data.Incidents;
using Aionis.Jobs.Incidents;

namespace Aionis.Tests.Support;

/// <summary>Arranges incident-log rows for a test: incidents and events through the store, operator alerts in plain SQL.</summary>
public static class IncidentRows
{
    public const string IncidentTables = "worker.incidents,worker.incident_events,worker.incident_artifacts,worker.incident_alert_inbox";

    public static async Task<Incident> AddIncidentAsync(this TestDatabase db, string service, string kind, string severity, DateTimeOffset startedAt,
        DateTimeOffset? resolvedAt = null, string? fingerprint = null, string env = "prod", string? title = null, int occurrences = 1, string? status = null,
        DateTimeOffset? closedAt = null)
    {
        var incident = IncidentLog.Build(new NewIncident(service, severity, title ?? $"{service} {kind}")
        {
            Env = env,
            Kind = kind,
            StartedAt = startedAt,
            Fingerprint = fingerprint ?? "fp",
        }, "test@host", startedAt) with
        {
            ResolvedAt = resolvedAt ?? closedAt,
            ClosedAt = closedAt,
            Status = status ?? (closedAt is not null ? IncidentStatus.Closed : resolvedAt is not null ? IncidentStatus.Resolved : IncidentStatus.Open),
            Occurrences = occurrences,
        };
        await using var transaction = await new IncidentStore(db.DataSource).BeginAsync(CancellationToken.None);
        await transaction.InsertIncidentAsync(incident, CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return incident;
    }

    public static Task AddFollowupAsync(this TestDatabase db, string incidentId, int seq, DateTimeOffset at, DateTimeOffset? dueAt, DateTimeOffset? doneAt = null,
        string owner = "oncall") =>
        db.ExecuteAsync("""
            INSERT INTO worker.incident_events (incident_id, seq, at, type, message, actor, priority, owner, due_at, done_at)
            VALUES ($1, $2, $3, 'followup', 'follow-up ' || $2, 'test@host', 'P2', $4, $5, $6)
            """, incidentId, seq, at, owner, dueAt, doneAt);

    /// <summary>An operator alert episode of a task as the scheduler writes it (<c>worker.operator_alerts</c>).</summary>
    public static Task SetOperatorAlertAsync(this TestDatabase db, string taskId, int occurrences, DateTimeOffset openedAt, string severity = "warning",
        string kind = "failure") =>
        db.ExecuteAsync("""
            INSERT INTO worker.operator_alerts (task_id, kind, dedup_key, severity, opened_at, occurrences, last_error)
            VALUES ($1, $5, 'aionis-worker:' || $1 || ':' || $5, $4, $3, $2, 'connection refused')
            ON CONFLICT (task_id, kind) WHERE resolved_at IS NULL DO UPDATE SET occurrences = excluded.occurrences
            """, taskId, occurrences, openedAt, severity, kind);

    /// <summary>An md5 over the incident folder: every file's relative path and bytes.</summary>
    public static string FolderFingerprint(string directory)
    {
        if (!Directory.Exists(directory)) return "absent";
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            text.Append(Path.GetRelativePath(directory, file)).Append(':').Append(Convert.ToHexString(MD5.HashData(File.ReadAllBytes(file)))).Append('\n');
        }
        return Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static Task<string> IncidentFingerprintAsync(this TestDatabase db) => db.FingerprintAsync(IncidentTables.Split(','));
}

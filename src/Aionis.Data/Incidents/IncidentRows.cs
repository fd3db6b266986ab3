using Npgsql;
using NpgsqlTypes;

namespace Aionis.Data.Incidents;

/// <summary>Column lists, parameters and row mapping of the incident tables, shared by the reads and the writes.</summary>
internal static class IncidentRows
{
    public const string IncidentColumns =
        "id, service, env, kind, severity, title, summary, status, signature, started_at, resolved_at, closed_at, created_by, last_event_at, occurrences, updated_at";

    public const string EventColumns = "incident_id, seq, at, type, message, actor, status, priority, owner, due_at, done_at";

    public const string ArtifactColumns = "incident_id, name, kind, size_bytes, sha256, path, added_at, added_by";

    public static string Placeholders(int count) => string.Join(", ", Enumerable.Range(1, count).Select(i => $"${i}"));

    public static void Bind(NpgsqlCommand command, Incident i)
    {
        var p = command.Parameters;
        p.Add(new() { Value = i.Id });
        p.Add(new() { Value = i.Service });
        p.Add(new() { Value = i.Env });
        p.Add(new() { Value = i.Kind });
        p.Add(new() { Value = i.Severity });
        p.Add(new() { Value = i.Title });
        p.Add(Text(i.Summary));
        p.Add(new() { Value = i.Status });
        p.Add(new() { Value = i.Signature });
        p.Add(new() { Value = i.StartedAt });
        p.Add(Time(i.ResolvedAt));
        p.Add(Time(i.ClosedAt));
        p.Add(new() { Value = i.CreatedBy });
        p.Add(new() { Value = i.LastEventAt });
        p.Add(new() { Value = i.Occurrences });
        p.Add(new() { Value = i.UpdatedAt });
    }

    public static void Bind(NpgsqlCommand command, IncidentEvent e)
    {
        var p = command.Parameters;
        p.Add(new() { Value = e.IncidentId });
        p.Add(new() { Value = e.Seq });
        p.Add(new() { Value = e.At });
        p.Add(new() { Value = e.Type });
        p.Add(new() { Value = e.Message });
        p.Add(new() { Value = e.Actor });
        p.Add(Text(e.Status));
        p.Add(Text(e.Priority));
        p.Add(Text(e.Owner));
        p.Add(Time(e.DueAt));
        p.Add(Time(e.DoneAt));
    }

    public static void Bind(NpgsqlCommand command, IncidentArtifact a)
    {
        var p = command.Parameters;
        p.Add(new() { Value = a.IncidentId });
        p.Add(new() { Value = a.Name });
        p.Add(new() { Value = a.Kind });
        p.Add(new() { Value = a.SizeBytes });
        p.Add(new() { Value = a.Sha256 });
        p.Add(new() { Value = a.Path });
        p.Add(new() { Value = a.AddedAt });
        p.Add(new() { Value = a.AddedBy });
    }

    public static Incident ReadIncident(NpgsqlDataReader r, int o = 0) => new()
    {
        Id = r.GetString(o),
        Service = r.GetString(o + 1),
        Env = r.GetString(o + 2),
        Kind = r.GetString(o + 3),
        Severity = r.GetString(o + 4),
        Title = r.GetString(o + 5),
        Summary = r.IsDBNull(o + 6) ? null : r.GetString(o + 6),
        Status = r.GetString(o + 7),
        Signature = r.GetString(o + 8),
        StartedAt = r.GetFieldValue<DateTimeOffset>(o + 9),
        ResolvedAt = NullableTime(r, o + 10),
        ClosedAt = NullableTime(r, o + 11),
        CreatedBy = r.GetString(o + 12),
        LastEventAt = r.GetFieldValue<DateTimeOffset>(o + 13),
        Occurrences = r.GetInt32(o + 14),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(o + 15),
    };

    public static IncidentEvent ReadEvent(NpgsqlDataReader r) => new()
    {
        IncidentId = r.GetString(0),
        Seq = r.GetInt32(1),
        At = r.GetFieldValue<DateTimeOffset>(2),
        Type = r.GetString(3),
        Message = r.GetString(4),
        Actor = r.GetString(5),
        Status = r.IsDBNull(6) ? null : r.GetString(6),
        Priority = r.IsDBNull(7) ? null : r.GetString(7),
        Owner = r.IsDBNull(8) ? null : r.GetString(8),
        DueAt = NullableTime(r, 9),
        DoneAt = NullableTime(r, 10),
    };

    public static IncidentArtifact ReadArtifact(NpgsqlDataReader r) => new()
    {
        IncidentId = r.GetString(0),
        Name = r.GetString(1),
        Kind = r.GetString(2),
        SizeBytes = r.GetInt64(3),
        Sha256 = r.GetString(4),
        Path = r.GetString(5),
        AddedAt = r.GetFieldValue<DateTimeOffset>(6),
        AddedBy = r.GetString(7),
    };

    public static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(map(reader));
        return rows;
    }

    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter Time(DateTimeOffset? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static DateTimeOffset? NullableTime(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}

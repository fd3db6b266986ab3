using System.Text.Json.Nodes;
using Npgsql;

namespace Aionis.Jobs.Publishing;

/// <summary>A row of <c>control_incident_publish_jobs</c>, as the enqueue summary prints it.</summary>
public sealed record PublishJobRow(
    Guid Id,
    string TenantId,
    string RunId,
    string SourceDir,
    string Target,
    string Status,
    int Attempts,
    int MaxAttempts,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? LockedAt,
    string? LockedBy,
    string? PublishedUri,
    string? LastError,
    JsonNode? LastResponse,
    JsonNode? Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Columns = """
        id, tenant_id, run_id, source_dir, target, status, attempts, max_attempts, next_attempt_at, locked_at, locked_by,
        published_uri, last_error, last_response::text, metadata::text, created_at, updated_at
        """;

    /// <summary>Reads a row selected with <see cref="Columns"/>.</summary>
    public static PublishJobRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.GetInt32(6), reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8),
        reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.IsDBNull(12) ? null : reader.GetString(12),
        JsonNode.Parse(reader.GetString(13)), JsonNode.Parse(reader.GetString(14)),
        reader.GetFieldValue<DateTimeOffset>(15), reader.GetFieldValue<DateTimeOffset>(16));
}

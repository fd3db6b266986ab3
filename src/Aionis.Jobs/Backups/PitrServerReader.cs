using Npgsql;

namespace Aionis.Jobs.Backups;

/// <summary>pg_stat_archiver as of one check, with the WAL segment the server is writing now.</summary>
public sealed record ArchiverStatus(
    long ArchivedCount,
    string? LastArchivedWal,
    DateTimeOffset? LastArchivedTime,
    long FailedCount,
    string? LastFailedWal,
    DateTimeOffset? LastFailedTime,
    DateTimeOffset? StatsReset,
    string CurrentWal,
    bool InRecovery)
{
    /// <summary>
    /// WAL has been written that is not archived yet: the segment holding the current insert position is past the last
    /// archived one (pg_walfile_name of a position on a segment boundary names the segment before, so a server that has
    /// switched and archived everything is not "writing").
    /// </summary>
    public bool HasUnarchivedWal => LastArchivedWal is null || string.CompareOrdinal(CurrentWal, LastArchivedWal) > 0;

    /// <summary>Archiving is failing right now: the last attempt failed, after the last success.</summary>
    public bool FailingNow => LastFailedTime is { } failed && (LastArchivedTime is not { } archived || failed > archived);

    /// <summary>
    /// Seconds of committed data not yet in the archive: the age of the last archived WAL while newer WAL is being written
    /// (since the statistics reset when nothing was archived yet); 0 when everything is archived or on a standby.
    /// </summary>
    public double RpoExposureSeconds(DateTimeOffset now) => !InRecovery && HasUnarchivedWal
        ? Math.Max(0, (now - (LastArchivedTime ?? StatsReset ?? now)).TotalSeconds)
        : 0;
}

/// <summary>A server setting as pitr-setup reads it from pg_settings.</summary>
public sealed record ServerSetting(string Name, string Setting, string? Unit, string Context);

/// <summary>Reads what the PITR jobs need to know about the worker's database server (no writes).</summary>
public sealed class PitrServerReader(BackupDatabase database)
{
    public static readonly string[] SettingNames = ["archive_mode", "archive_command", "archive_timeout", "wal_level", "data_directory", "port", "unix_socket_directories", "max_wal_senders"];

    public async Task<ArchiverStatus> ReadArchiverAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // pg_current_wal_lsn() is not allowed during recovery; a standby is reported as in recovery and not judged by it.
        await using var command = new NpgsqlCommand("""
            SELECT archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time, stats_reset,
                   CASE WHEN pg_is_in_recovery() THEN '' ELSE pg_walfile_name(pg_current_wal_lsn()) END, pg_is_in_recovery()
              FROM pg_stat_archiver
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ArchiverStatus(reader.GetInt64(0), NullableString(reader, 1), NullableTime(reader, 2), reader.GetInt64(3),
            NullableString(reader, 4), NullableTime(reader, 5), NullableTime(reader, 6), reader.GetString(7), reader.GetBoolean(8));
    }

    public async Task<IReadOnlyDictionary<string, ServerSetting>> ReadSettingsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT name, setting, unit, context FROM pg_settings WHERE name = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SettingNames });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var settings = new Dictionary<string, ServerSetting>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            settings[reader.GetString(0)] = new ServerSetting(reader.GetString(0), reader.GetString(1), NullableString(reader, 2), reader.GetString(3));
        }
        return settings;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}

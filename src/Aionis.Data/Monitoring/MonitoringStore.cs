using Npgsql;

namespace Aionis.Data.Monitoring;

/// <summary>The last archive check of one pgBackRest stanza (<c>worker.pitr_archiver_state</c>).</summary>
public sealed record ArchiveCheck(string Stanza, DateTimeOffset CheckedAt);

/// <summary>What the monitoring gauges read besides the task status: cluster check-ins and the PITR archive checks.</summary>
public sealed class MonitoringStore(NpgsqlDataSource dataSource)
{
    /// <summary>Scheduler instances of the cluster whose last check-in (Quartz ticks) is newer than <paramref name="freshAfter"/>.</summary>
    public async Task<long> NodesAliveAsync(string schedulerName, DateTimeOffset freshAfter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FROM worker.qrtz_scheduler_state
             WHERE sched_name = $1 AND last_checkin_time > $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = schedulerName });
        command.Parameters.Add(new NpgsqlParameter { Value = freshAfter.UtcTicks });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Every stanza a (live) pitr-archive-check has looked at; none when the PITR jobs never ran.</summary>
    public async Task<IReadOnlyList<ArchiveCheck>> ArchiveChecksAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT stanza, checked_at FROM worker.pitr_archiver_state ORDER BY stanza");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var checks = new List<ArchiveCheck>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checks.Add(new ArchiveCheck(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return checks;
    }
}

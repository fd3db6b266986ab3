using Npgsql;

namespace Aionis.Data.Reports;

/// <summary>A person's acknowledgement of one step of a game-day run: when it was acknowledged (which may be before it was recorded) and by whom.</summary>
public sealed record GameDayAck(Guid RunId, string Step, DateTimeOffset AcknowledgedAt, string AcknowledgedBy, DateTimeOffset RecordedAt, string? Comment);

/// <summary><c>worker.game_day_acks</c>: the acknowledgements people record for game-day runs (<c>aionis game-day ack</c>), one per run and step.</summary>
public sealed class GameDayAckStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records the acknowledgement; null when the step already has one (the first one stands).</summary>
    public async Task<GameDayAck?> AddAsync(GameDayAck ack, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO worker.game_day_acks (run_id, step, acknowledged_at, acknowledged_by, recorded_at, comment)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (run_id, step) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = ack.RunId });
        command.Parameters.Add(new() { Value = ack.Step });
        command.Parameters.Add(new() { Value = ack.AcknowledgedAt });
        command.Parameters.Add(new() { Value = ack.AcknowledgedBy });
        command.Parameters.Add(new() { Value = ack.RecordedAt });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = ack.Comment });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? ack : null;
    }

    public async Task<IReadOnlyList<GameDayAck>> ForRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT step, acknowledged_at, acknowledged_by, recorded_at, comment FROM worker.game_day_acks WHERE run_id = $1 ORDER BY acknowledged_at, step
            """);
        command.Parameters.Add(new() { Value = runId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var acks = new List<GameDayAck>();
        while (await reader.ReadAsync(cancellationToken))
        {
            acks.Add(new GameDayAck(runId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return acks;
    }
}

using System.Text.Json;
using Npgsql;

namespace Aionis.Data.Registry;

/// <summary>One reconciliation of the registry file with the schedule, accepted or rejected, as it is recorded.</summary>
public sealed record RegistrySyncRecord(
    DateTimeOffset At, string Node, string RegistryHash, bool Accepted,
    IReadOnlyCollection<string> Added, IReadOnlyCollection<string> Changed, IReadOnlyCollection<string> Removed, IReadOnlyCollection<string> Errors);

/// <summary><c>worker.registry_syncs</c>: a row per sync, so what the schedule was reconciled with, and when, stays on record.</summary>
public sealed class RegistrySyncStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records a sync on the connection that holds the sync lock.</summary>
    public async Task RecordAsync(NpgsqlConnection connection, RegistrySyncRecord sync, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO worker.registry_syncs (at, node, registry_hash, accepted, added, changed, removed, errors)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
            """, connection);
        command.Parameters.Add(new() { Value = sync.At });
        command.Parameters.Add(new() { Value = sync.Node });
        command.Parameters.Add(new() { Value = sync.RegistryHash });
        command.Parameters.Add(new() { Value = sync.Accepted });
        command.Parameters.Add(new() { Value = sync.Added.ToArray() });
        command.Parameters.Add(new() { Value = sync.Changed.ToArray() });
        command.Parameters.Add(new() { Value = sync.Removed.ToArray() });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(sync.Errors.ToArray()) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>When each task first came into the schedule (the first accepted sync that added it).</summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset?>> FirstAddedAtAsync(CancellationToken cancellationToken) =>
        await TaskTimes.ReadAsync(dataSource, "SELECT unnest(added), min(at) FROM worker.registry_syncs WHERE accepted GROUP BY 1", cancellationToken);
}

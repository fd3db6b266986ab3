using Npgsql;

namespace Aionis.Jobs.Telemetry;

/// <summary>What <c>aionis db tune --telemetry-index</c> did: created the index, found it in place, or would create it.</summary>
public enum TelemetryIndexOutcome { Created, AlreadyPresent, Rebuilt }

/// <summary>
/// The optional covering index for installations that own their telemetry table (off by default; <c>aionis db tune
/// --telemetry-index</c>). With the report columns in the index the timeseries and key-usage statements read the tenant's
/// range with an index-only scan instead of visiting a heap page for nearly every row, at the price of disk (about 85 bytes
/// per row) and slower inserts; <c>scripts/bench.sh telemetry-reports</c> measures both sides (docs/jobs/telemetry.md).
/// Built <c>CONCURRENTLY</c>, so the API keeps inserting while it is built; a build that was interrupted leaves an invalid
/// index behind, which the next run drops and builds again.
/// </summary>
public sealed class TelemetryIndex(NpgsqlDataSource dataSource)
{
    public const string Name = "memory_request_telemetry_tenant_created_covering_idx";

    public const string CreateSql =
        $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {Name} ON public.{RequestTelemetry.Table} " +
        "(tenant_id, created_at) INCLUDE (endpoint, status_code, latency_ms, api_key_prefix)";

    public const string DropInvalidSql = $"DROP INDEX CONCURRENTLY IF EXISTS public.{Name}";

    // null: no such index; false: left invalid by an interrupted concurrent build.
    private const string StateSql = $"""
        SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE c.relname = '{Name}' AND c.relnamespace = 'public'::regnamespace
        """;

    /// <summary>The statements a run would execute now, in order (what <c>--dry-run</c> prints).</summary>
    public async Task<IReadOnlyList<string>> PlanAsync(CancellationToken cancellationToken) =>
        await StateAsync(cancellationToken) switch
        {
            true => [],
            false => [DropInvalidSql, CreateSql],
            null => [CreateSql],
        };

    public async Task<TelemetryIndexOutcome> CreateAsync(CancellationToken cancellationToken)
    {
        var state = await StateAsync(cancellationToken);
        if (state is true) return TelemetryIndexOutcome.AlreadyPresent;
        // Each statement in autocommit: CONCURRENTLY cannot run inside a transaction block. No timeout: a 10M-row build takes minutes.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var sql in await PlanAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return state is false ? TelemetryIndexOutcome.Rebuilt : TelemetryIndexOutcome.Created;
    }

    private async Task<bool?> StateAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StateSql);
        return await command.ExecuteScalarAsync(cancellationToken) as bool?;
    }
}

// The floor of a one-shot job, for the cold-start benchmark: what `aionis job hosted-key-rotation-sla` does on an empty
// schema with nothing around it. One connection from a data source, the run row inserted, the job's four statements
// (stale keys, the warning window, active keys by tenant, recent rotations), the summary written as jsonb into the row
// and printed. No command line, configuration, container, logging or history model: what is left is the runtime, Npgsql
// and System.Text.Json starting, which no change to the worker's layers can go below.
using System.Text.Json;
using Npgsql;

var connectionString = args.Length == 1 ? args[0] : throw new ArgumentException("usage: Aionis.Bench.JobFloor CONNECTION_STRING");
await using var dataSource = NpgsqlDataSource.Create(connectionString);
await using var connection = await dataSource.OpenConnectionAsync();
var now = DateTimeOffset.UtcNow;
var id = Guid.NewGuid();

await using (var start = new NpgsqlCommand(
    "INSERT INTO bench_floor_runs (id, job, started_at, status, inputs) VALUES ($1, $2, $3, 'running', $4::jsonb)", connection))
{
    start.Parameters.Add(new NpgsqlParameter { Value = id });
    start.Parameters.Add(new NpgsqlParameter { Value = "hosted-key-rotation-sla" });
    start.Parameters.Add(new NpgsqlParameter { Value = now });
    start.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(new Dictionary<string, int> { ["max-age-days"] = 90 }) });
    await start.ExecuteNonQueryAsync();
}

const string KeyColumns = "id, tenant_id, key_prefix, created_at";
var stale = await CountAsync($"SELECT {KeyColumns} FROM control_api_keys WHERE status = 'active' AND created_at <= $1::timestamptz - $2 ORDER BY created_at LIMIT 50",
    now, TimeSpan.FromDays(90));
var warning = await CountAsync($"SELECT {KeyColumns} FROM control_api_keys WHERE status = 'active' AND created_at <= $1::timestamptz - $2 AND created_at > $1::timestamptz - $3 ORDER BY created_at LIMIT 50",
    now, TimeSpan.FromDays(75), TimeSpan.FromDays(90));
var tenants = await CountAsync("SELECT tenant_id, COUNT(*), MIN(created_at), MAX(created_at) FROM control_api_keys WHERE status = 'active' GROUP BY tenant_id ORDER BY tenant_id");
var rotations = await CountAsync("SELECT tenant_id, COUNT(*) FROM control_audit_events WHERE action = 'api_key.rotate' AND created_at >= $1 AND tenant_id IS NOT NULL GROUP BY tenant_id ORDER BY tenant_id",
    now - TimeSpan.FromDays(30));

var summary = JsonSerializer.Serialize(new FloorSummary(stale == 0, now, stale, warning, tenants, rotations),
    new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
await using (var finish = new NpgsqlCommand(
    "UPDATE bench_floor_runs SET status = 'succeeded', finished_at = $2, summary = $3::jsonb WHERE id = $1", connection))
{
    finish.Parameters.Add(new NpgsqlParameter { Value = id });
    finish.Parameters.Add(new NpgsqlParameter { Value = DateTimeOffset.UtcNow });
    finish.Parameters.Add(new NpgsqlParameter { Value = summary });
    await finish.ExecuteNonQueryAsync();
}
Console.WriteLine(summary);

async Task<int> CountAsync(string sql, params object[] parameters)
{
    await using var command = new NpgsqlCommand(sql, connection);
    foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
    await using var reader = await command.ExecuteReaderAsync();
    var rows = 0;
    while (await reader.ReadAsync()) rows++;
    return rows;
}

internal sealed record FloorSummary(bool Ok, DateTimeOffset CheckedAt, int StaleCount, int WarningCount, int Tenants, int RotatingTenants);

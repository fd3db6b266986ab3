using System.Diagnostics;
using Npgsql;

namespace Aionis.Bench.Telemetry;

/// <summary>Times plain SQL statements, reading every row they return, as a baseline for the jobs.</summary>
public static class BenchSql
{
    public static async Task<(TimeSpan Elapsed, long Rows)> TimeAsync(string connectionString, string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        var started = Stopwatch.GetTimestamp();
        long rows = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++) reader.GetValue(i);
                rows++;
            }
            rows = Math.Max(rows, reader.RecordsAffected);
        }
        return (Stopwatch.GetElapsedTime(started), rows);
    }

    /// <summary>The fastest of <paramref name="candidates"/>, each run <paramref name="repeat"/> times, with its name.</summary>
    public static async Task<(string Name, TimeSpan Elapsed)> BestAsync(string connectionString, int repeat, IReadOnlyList<(string Name, string Sql)> candidates, params object[] args)
    {
        var best = (Name: "", Elapsed: TimeSpan.MaxValue);
        foreach (var (name, sql) in candidates)
        {
            for (var i = 0; i < repeat; i++)
            {
                var (elapsed, _) = await TimeAsync(connectionString, sql, args);
                if (elapsed < best.Elapsed) best = (name, elapsed);
            }
        }
        return best;
    }
}

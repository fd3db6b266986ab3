using System.Diagnostics;
using Npgsql;

namespace Aionis.Bench.Telemetry;

/// <summary>
/// A plain SQL competitor: one or more statements run in one transaction after <c>SET LOCAL</c> of its settings (none:
/// the server's defaults, as the original ran), every returned row read.
/// </summary>
public sealed record SqlCompetitor(string Name, IReadOnlyList<string> Statements, IReadOnlyDictionary<string, string>? Settings = null)
{
    public SqlCompetitor(string name, string sql, IReadOnlyDictionary<string, string>? settings = null) : this(name, [sql], settings) { }

    public string SettingsText => Settings is { Count: > 0 } s ? string.Join(", ", s.Select(kv => $"{kv.Key}={kv.Value}")) : "server defaults";
}

/// <summary>Times plain SQL statements, reading every row they return, as a baseline for the jobs.</summary>
public static class BenchSql
{
    public static async Task<(TimeSpan Elapsed, long Rows)> TimeAsync(string connectionString, string sql, params object[] args) =>
        await TimeAsync(connectionString, new SqlCompetitor("", sql), args);

    public static async Task<(TimeSpan Elapsed, long Rows)> TimeAsync(string connectionString, SqlCompetitor competitor, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var started = Stopwatch.GetTimestamp();
        long rows = 0;
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (name, value) in competitor.Settings ?? new Dictionary<string, string>())
        {
            await using var set = new NpgsqlCommand("SELECT set_config($1, $2, true)", connection, transaction);
            set.Parameters.Add(new NpgsqlParameter { Value = name });
            set.Parameters.Add(new NpgsqlParameter { Value = value });
            await set.ExecuteNonQueryAsync();
        }
        foreach (var sql in competitor.Statements)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            foreach (var arg in args.Take(ParameterCount(sql))) command.Parameters.Add(new NpgsqlParameter { Value = arg });
            await using var reader = await command.ExecuteReaderAsync();
            long read = 0;
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++) reader.GetValue(i);
                read++;
            }
            rows += Math.Max(read, reader.RecordsAffected);
        }
        await transaction.CommitAsync();
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

    /// <summary>The highest <c>$n</c> a statement uses: competitors share one argument list and may use a prefix of it.</summary>
    private static int ParameterCount(string sql)
    {
        var max = 0;
        for (var i = sql.IndexOf('$'); i >= 0; i = sql.IndexOf('$', i + 1))
        {
            var j = i + 1;
            while (j < sql.Length && char.IsAsciiDigit(sql[j])) j++;
            if (j > i + 1) max = Math.Max(max, int.Parse(sql.AsSpan(i + 1, j - i - 1)));
        }
        return max;
    }
}

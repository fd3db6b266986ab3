using System.Text;
using Aionis.Jobs.Telemetry;

namespace Aionis.Jobs.Reports.BurnRate;

public sealed record WindowCounts(string Name, long Requests, long ServerErrors);

/// <summary>
/// Requests and server errors of every burn-rate window in one pass over the longest window (3 days): each row is read
/// once and counted into every window it falls in (filtered aggregates), so seven windows cost one range scan.
/// </summary>
public sealed class BurnRateReader(TelemetryStatements statements)
{
    public static readonly string Sql = BuildSql();

    public Task<IReadOnlyList<WindowCounts>> ReadAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        statements.QueryAsync<IReadOnlyList<WindowCounts>>(Sql, [now, BurnRateRules.Longest], async reader =>
        {
            await reader.ReadAsync(cancellationToken);
            return BurnRateRules.Windows.Select((w, i) => new WindowCounts(w.Name, reader.GetInt64(2 * i), reader.GetInt64(2 * i + 1))).ToList();
        }, cancellationToken, preferParallel: true);

    private static string BuildSql()
    {
        var columns = new StringBuilder();
        foreach (var w in BurnRateRules.Windows)
        {
            var since = $"created_at >= $1::timestamptz - interval '{(long)w.Span.TotalSeconds} seconds'";
            if (columns.Length > 0) columns.Append(",\n       ");
            columns.Append($"count(*) FILTER (WHERE {since}), count(*) FILTER (WHERE {since} AND status_code >= 500)");
        }
        return $"""
            SELECT {columns}
              FROM memory_request_telemetry
             WHERE created_at >= $1::timestamptz - $2::interval AND created_at < $1::timestamptz
            """;
    }
}

using Npgsql;

namespace Aionis.Jobs.Framework;

/// <summary>
/// Whether an exception means the connection to PostgreSQL failed or was lost (as opposed to a statement PostgreSQL
/// answered with an error). A job that loses its database mid-run must fail as a whole instead of recording what it could
/// not read as a verdict (e.g. sealing a bundle whose steps could not reach the database as evidence).
/// </summary>
public static class DatabaseConnectivity
{
    public static bool IsLost(Exception exception) => exception switch
    {
        // Class 08 (connection exception) and the server going away (57P01 admin shutdown, 57P02 crash, 57P03 starting up).
        PostgresException e => e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState is "57P01" or "57P02" or "57P03",
        // Npgsql's own exceptions (not a server's answer): connecting, reading or writing failed.
        NpgsqlException => true,
        _ => exception.InnerException is { } inner && IsLost(inner),
    };
}

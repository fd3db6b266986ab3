using System.Net.Sockets;
using Npgsql;

namespace Aionis.Jobs.Framework;

/// <summary>
/// The one classifier of PostgreSQL failures. "The database could not be reached" (a run ends <c>failed</c> with exit 75
/// and is retried; history is spooled; the incident log's <c>auto</c> backend falls back to JSONL) is told from every
/// other failure. Only Npgsql's own errors count: an HTTP peer that refuses connections (a webhook, an object store) is
/// a runtime error of the job, never a database outage.
/// </summary>
public static class PostgresFailures
{
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        HttpRequestException => false,
        PostgresException { SqlState:
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection
            or PostgresErrorCodes.SqlServerRejectedEstablishmentOfSqlConnection } => true,
        PostgresException => false,
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        NpgsqlException => false,
        // Wrappers (Quartz's JobPersistenceException, AggregateException): the database failure inside them.
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };

    /// <summary>SQLSTATE 42P01 (a table not there yet): readers degrade to <c>ok:false</c> with a warning instead of failing.</summary>
    public static bool IsUndefinedTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    /// <summary>SQLSTATE 23503: a row refers to one that is not there (a run's row gone, an unknown tenant).</summary>
    public static bool IsForeignKeyViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    /// <summary>
    /// One line for a summary's reason: <c>SQLSTATE: message</c> for the server's errors (whose <see cref="Exception.Message"/>
    /// adds the statement position on lines of its own), the message for any other failure.
    /// </summary>
    public static string OneLine(Exception exception) =>
        exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
}

using Npgsql;

namespace Aionis.Jobs.Framework;

public static class PostgresErrors
{
    /// <summary>SQLSTATE 42P01: the reference degrades to <c>ok:false</c> with a warning instead of failing.</summary>
    public static bool IsUndefinedTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };

    /// <summary>
    /// The server could not be reached or went away (refused, reset, shutting down): the incident log's <c>auto</c> backend
    /// falls back to JSONL on these, never on a query that failed.
    /// </summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        System.Net.Sockets.SocketException or TimeoutException => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" } => true,
        PostgresException => false,
        NpgsqlException { InnerException: System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException } => true,
        NpgsqlException { IsTransient: true } => true,
        _ => exception.InnerException is { } inner && IsConnectionFailure(inner),
    };
}

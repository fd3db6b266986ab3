using System.Net.Sockets;
using Npgsql;

namespace Aionis.Worker.Running;

public static class DatabaseFailures
{
    /// <summary>True when the exception says the database could not be reached (as opposed to a query that failed).</summary>
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        SocketException => true,
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: { } inner } => IsUnreachable(inner),
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" or "08004" } => true,
        TimeoutException => true,
        _ => exception.InnerException is { } inner2 && IsUnreachable(inner2),
    };
}

/// <summary>The job needs a database and none is configured.</summary>
public sealed class DatabaseNotConfiguredException()
    : Exception("no database configured: set ConnectionStrings__Aionis or DATABASE_URL");

using System.Net.Sockets;
using Npgsql;

namespace Aionis.Jobs.Framework;

/// <summary>
/// Tells "the database could not be reached" (a run ends <c>failed</c> with exit 75 and is retried; history is spooled)
/// from every other failure. Only Npgsql's own errors count: an HTTP peer that refuses connections (a webhook, an
/// object store) is a runtime error of the job, never a database outage.
/// </summary>
public static class DatabaseFailures
{
    public static bool IsUnreachable(Exception exception) => exception switch
    {
        HttpRequestException => false,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08006" or "08001" or "08004" } => true,
        PostgresException => false,
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        NpgsqlException => false,
        // Wrappers (Quartz's JobPersistenceException, AggregateException): the database failure inside them.
        _ => exception.InnerException is { } inner && IsUnreachable(inner),
    };
}

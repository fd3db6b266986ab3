using Npgsql;

namespace Aionis.Jobs.Framework;

public static class PostgresErrors
{
    /// <summary>SQLSTATE 42P01: the reference degrades to <c>ok:false</c> with a warning instead of failing.</summary>
    public static bool IsUndefinedTable(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };
}

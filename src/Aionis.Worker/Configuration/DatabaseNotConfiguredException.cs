namespace Aionis.Worker.Configuration;

/// <summary>The job needs a database and none is configured.</summary>
public sealed class DatabaseNotConfiguredException()
    : Exception("no database configured: set ConnectionStrings__Aionis or DATABASE_URL");

namespace Aionis.Worker.Configuration;

/// <summary>The resolved connection string, or null when no database is configured.</summary>
public sealed record DatabaseSettings(string? ConnectionString)
{
    public string Require() => ConnectionString ?? throw new DatabaseNotConfiguredException();
}

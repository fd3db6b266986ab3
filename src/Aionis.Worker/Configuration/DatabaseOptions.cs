using Aionis.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Configuration;

/// <summary>
/// The database settings (<c>ConnectionStrings:Aionis</c>, else <c>DATABASE_URL</c>) as an options class, so that the
/// options pipeline rejects a connection string that does not parse at start (the value printed with its password masked).
/// </summary>
public sealed class DatabaseOptions;

internal sealed class DatabaseOptionsValidator(IConfiguration configuration) : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options) =>
        DatabaseConnection.Problem(configuration) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

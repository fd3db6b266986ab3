using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Alerts;

/// <summary><c>Alerts:AllowInsecureTargets</c>: lets targets be http and private hosts (tests, local use); off in production.</summary>
public sealed record AlertSettings(bool AllowInsecureTargets)
{
    public const string AllowInsecureTargetsKey = "Alerts:AllowInsecureTargets";

    public static AlertSettings From(IConfiguration configuration) =>
        new(bool.TryParse(configuration[AllowInsecureTargetsKey], out var allow) && allow);
}

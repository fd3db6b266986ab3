using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Alerts;

/// <summary><c>Alerts:AllowInsecureTargets</c>: lets targets be http and private hosts (tests, local use); off in production.</summary>
public sealed class AlertSettings
{
    public const string AllowInsecureTargetsKey = "Alerts:AllowInsecureTargets";

    [Setting(AllowInsecureTargetsKey)]
    public bool AllowInsecureTargets { get; set; }

    /// <summary>The settings as configured; a value that is not a boolean is reported at start (<see cref="Settings"/>).</summary>
    public static AlertSettings From(IConfiguration configuration)
    {
        var settings = new AlertSettings();
        Settings.Bind(configuration, settings);
        return settings;
    }
}

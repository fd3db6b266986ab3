using Aionis.Jobs.Alerts;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>
/// A drill the <c>game-day</c> job runs: the on-call level it is judged at by default, the severity its test alert
/// carries, and whether it measures a restore (a health URL polled until it answers again).
/// </summary>
public sealed record GameDayExercise(string Name, string DefaultLevel, string Description, bool MeasuresRestore)
{
    public const string AlertRoutingName = "alert-routing";
    public const string BackendOutageName = "backend-outage";

    /// <summary>Every channel gets the test alert; each receiver's acceptance and acknowledgement are timed (SEV2).</summary>
    public static readonly GameDayExercise AlertRouting = new(AlertRoutingName, OnCallLevel.Sev2,
        "test alert to every operator channel; acceptance and acknowledgement timed", MeasuresRestore: false);

    /// <summary>A page for a backend taken down on purpose, then its health URL polled until it answers 2xx again (SEV1).</summary>
    public static readonly GameDayExercise BackendOutage = new(BackendOutageName, OnCallLevel.Sev1,
        "page every operator channel for a backend taken down on purpose; poll its health URL until it is restored", MeasuresRestore: true);

    public static readonly IReadOnlyList<GameDayExercise> All = [AlertRouting, BackendOutage];

    public static GameDayExercise Named(string name) => All.Single(e => e.Name == name);
}

/// <summary>The on-call levels the runbook gives acknowledgement targets for, and the alert severity each pages with.</summary>
public static class OnCallLevel
{
    public const string Sev1 = "sev1";
    public const string Sev2 = "sev2";
    public const string Sev3 = "sev3";

    public static readonly string[] All = [Sev1, Sev2, Sev3];

    /// <summary>SEV1 pages (critical); SEV2 and SEV3 are warnings.</summary>
    public static string AlertSeverityOf(string level) => level == Sev1 ? AlertSeverity.Critical : AlertSeverity.Warning;
}

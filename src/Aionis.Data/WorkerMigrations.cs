namespace Aionis.Data;

/// <summary>
/// The ids of the worker schema's EF Core migrations, oldest first. <c>serve</c> compares them with the history table at
/// every start; listing them here (a test keeps the list equal to EF's) spares the daemon loading EF Core to find them.
/// </summary>
public static class WorkerMigrations
{
    public static readonly IReadOnlyList<string> All =
    [
        "20261123184057_InitialWorkerSchema",
        "20261123185852_OperatorAlerts",
        "20261201210000_RunTrust",
        "20261201220000_AlertDeliveryClaims",
        "20261202000000_Incidents",
        "20261202010000_PitrArchiverState",
        "20261203030000_OperatorControls",
        "20261204000000_GameDayAcks",
        "20261207134000_FollowersNotPaused",
    ];
}

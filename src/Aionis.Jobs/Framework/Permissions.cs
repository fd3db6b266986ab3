namespace Aionis.Jobs.Framework;

/// <summary>What a job touches; a registry task must grant every permission its job needs.</summary>
public static class Permissions
{
    public const string ReadControlPlane = "read:control_plane";
    public const string DeleteTelemetry = "delete:telemetry";
    public const string DeleteHistory = "delete:history";
    public const string WriteAlertDeliveries = "write:alert_deliveries";
    public const string SendAlerts = "send:alerts";
    public const string WritePublishQueue = "write:publish_queue";
    public const string WriteAudit = "write:audit";
    public const string UploadObjectStorage = "upload:object_storage";
    public const string RunPgDump = "run:pg_dump";
    public const string WriteScratchDatabase = "write:scratch_database";
    public const string ReadIncidents = "read:incidents";
    public const string WriteIncidents = "write:incidents";
    public const string RunPgBackRest = "run:pgbackrest";

    public static readonly string[] All =
    [
        ReadControlPlane, DeleteTelemetry, DeleteHistory, WriteAlertDeliveries, SendAlerts,
        WritePublishQueue, WriteAudit, UploadObjectStorage, RunPgDump, WriteScratchDatabase,
        ReadIncidents, WriteIncidents, RunPgBackRest,
    ];
}

namespace Aionis.Jobs.Telemetry;

/// <summary>The table the API's response hook writes, and the warning the reference gives when it is missing.</summary>
public static class RequestTelemetry
{
    public const string Table = "memory_request_telemetry";
    public const string TableMissing = "request_telemetry_table_missing";
}

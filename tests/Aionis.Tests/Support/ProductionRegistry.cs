namespace Aionis.Tests.Support;

/// <summary>task_registry.yml files for the daemon tests: one key-rotation task, with the settings a test varies.</summary>
public static class ProductionRegistry
{
    public const string TaskId = "key_rotation_sla";

    public static Task WriteAsync(string path, string schedule = "0 6 * * *", string overlap = "skip", string? extraTasks = null) =>
        File.WriteAllTextAsync(path, $"""
            version: 1
            tasks:
              - id: {TaskId}
                job: hosted-key-rotation-sla
                owner: security-ops
                description: Stale keys
                schedule: "{schedule}"
                overlap: {overlap}
                requests_recovery: true
                permissions: [read:control_plane]
                inputs:
                  strict: true
            {extraTasks ?? ""}
            """);

    /// <summary>A second task, for registry edits.</summary>
    public const string SecondTask = """
          - id: key_rotation_sla_weekly
            job: hosted-key-rotation-sla
            owner: security-ops
            description: Stale keys, weekly
            schedule: "0 7 * * 1"
            permissions: [read:control_plane]
        """;
}

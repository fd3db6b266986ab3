namespace Aionis.Tests.Support;

/// <summary>task_registry.yml files for the daemon tests: one hosted-key-rotation-sla task, with the settings a test varies.</summary>
public static class KeyRotationRegistry
{
    public const string TaskId = "key_rotation_sla";

    /// <summary>Runs interrupted by a stop are recovered, and stale keys fail the gate (exit 2).</summary>
    public static readonly string[] RecoverableStrict = ["requests_recovery: true", "inputs: { strict: true }"];

    /// <summary>A second task, for registry edits.</summary>
    public const string SecondTask = """
          - id: key_rotation_sla_weekly
            job: hosted-key-rotation-sla
            owner: security-ops
            description: Stale keys, weekly
            schedule: "0 7 * * 1"
            permissions: [read:control_plane]

        """;

    /// <param name="settings">More keys of the task, one YAML line each (<c>timeout: 1s</c>).</param>
    public static string Yaml(string schedule, params string[] settings) => $"""
        version: 1
        tasks:
          - id: {TaskId}
            job: hosted-key-rotation-sla
            owner: security-ops
            description: Stale keys
            schedule: "{schedule}"
            permissions: [read:control_plane]

        """ + string.Concat(settings.Select(setting => $"    {setting}\n"));

    public static Task WriteAsync(string path, string schedule, params string[] settings) => File.WriteAllTextAsync(path, Yaml(schedule, settings));
}

using System.Text;

namespace Aionis.Bench.Scale;

/// <summary>task_registry.yml files of many tasks of the cheap <c>hosted-key-rotation-sla</c> job, one per tenant.</summary>
internal static class GeneratedRegistry
{
    public const string Job = "hosted-key-rotation-sla";

    public static string TaskId(int index) => $"tenant_{index:D4}_key_sla";

    /// <summary>Varied daily schedules (minute and hour spread over the day): nothing fires during a short benchmark.</summary>
    public static string DailySchedule(int index) => $"{index % 60} {index * 7 % 24} * * *";

    /// <param name="maxAgeDays">The input that differs per task; change it for some tasks to change their definition only.</param>
    public static string Write(string path, int count, Func<int, string> schedule, string overlap = "skip", Func<int, int>? maxAgeDays = null)
    {
        var yaml = new StringBuilder("""
            version: 1
            defaults:
              owner: security-ops
              permissions: [read:control_plane]
            tasks:

            """);
        for (var i = 0; i < count; i++)
        {
            yaml.Append($"""
                  - id: {TaskId(i)}
                    job: {Job}
                    description: Stale API keys of tenant {i}
                    schedule: "{schedule(i)}"
                    overlap: {overlap}
                    inputs:
                      max_age_days: {maxAgeDays?.Invoke(i) ?? 30 + i % 60}

                """);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml.ToString());
        return path;
    }
}

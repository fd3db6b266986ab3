namespace Aionis.Worker.Scheduling;

/// <summary>Which task_registry.yml: --registry, else Worker:RegistryPath, else ./task_registry.yml, else /etc/aionis/task_registry.yml.</summary>
public static class RegistryLocation
{
    public const string FileName = "task_registry.yml";
    public const string SystemPath = "/etc/aionis/task_registry.yml";

    public static string Resolve(string? given, string? configured)
    {
        if (!string.IsNullOrWhiteSpace(given)) return Path.GetFullPath(given);
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        var local = Path.Combine(Directory.GetCurrentDirectory(), FileName);
        return File.Exists(local) ? local : SystemPath;
    }
}

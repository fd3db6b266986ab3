namespace Aionis.Worker.Scheduling;

/// <summary>A validated registry file: its tasks and the hash recorded with every sync and run.</summary>
public sealed record TaskRegistry(string Path, string Hash, IReadOnlyList<TaskDefinition> Tasks)
{
    public IReadOnlyDictionary<string, RegistryCalendar> Calendars { get; init; } = new Dictionary<string, RegistryCalendar>();
    public IReadOnlyDictionary<string, ConcurrencyGroup> Groups { get; init; } = new Dictionary<string, ConcurrencyGroup>();

    public TaskDefinition? Find(string id) => Tasks.FirstOrDefault(t => t.Id == id);
}

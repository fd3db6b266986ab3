namespace Aionis.Worker.Scheduling;

/// <summary>How one task's persisted schedule differs from the file.</summary>
public sealed record TaskChange(TaskDefinition Task, bool DefinitionChanged, bool TriggerChanged);

/// <summary>What a sync would do: tasks to add, replace and delete; the rest is left alone (next fire time kept).</summary>
public sealed record SyncPlan(IReadOnlyList<TaskDefinition> Added, IReadOnlyList<TaskChange> Changed, IReadOnlyList<string> Removed, int Unchanged)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Removed.Count == 0;

    public IEnumerable<string> Describe()
    {
        foreach (var t in Added) yield return $"+ {t.Id} ({t.Job}, {(!t.Enabled ? "disabled" : t.Scheduled ? t.Schedule + " " + t.TimeZone : "after " + string.Join(", ", t.After.Select(a => a.Task)))})";
        foreach (var c in Changed) yield return $"~ {c.Task.Id} ({(c.TriggerChanged ? "schedule" : "")}{(c.TriggerChanged && c.DefinitionChanged ? ", " : "")}{(c.DefinitionChanged ? "definition" : "")})";
        foreach (var id in Removed) yield return $"- {id}";
        yield return $"= {Unchanged} unchanged";
    }
}

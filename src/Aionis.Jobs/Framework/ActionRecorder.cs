using System.Collections.Concurrent;

namespace Aionis.Jobs.Framework;

/// <summary>One thing a run did (or, in a dry run, would have done), with a count where it has one.</summary>
public sealed record PlannedAction(string Action, string Target, long? Count = null, object? Detail = null);

/// <summary>Collects a run's actions in order; safe to use from parallel work.</summary>
public sealed class ActionRecorder
{
    private readonly ConcurrentQueue<PlannedAction> _actions = new();

    public void Record(string action, string target, long? count = null, object? detail = null) =>
        _actions.Enqueue(new PlannedAction(action, target, count, detail));

    public IReadOnlyList<PlannedAction> ToList() => _actions.ToList();
}

/// <summary>Paths and URIs a run produced.</summary>
public sealed class ArtifactList
{
    private readonly ConcurrentDictionary<string, string> _items = new();

    public void Add(string name, string pathOrUri) => _items[name] = pathOrUri;

    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(_items, StringComparer.Ordinal);
}

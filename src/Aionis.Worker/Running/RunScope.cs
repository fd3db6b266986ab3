using System.Collections;
using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>
/// The logging scope of a run: every log line written while it is open names the run and its task (console and
/// journald), and is kept in the run's <see cref="Log"/>. A list of key/value pairs, so structured sinks (OTLP) get
/// <c>RunId</c> and <c>TaskId</c> as attributes.
/// </summary>
public sealed class RunScope(Guid runId, string? taskId, RunLog log) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public Guid RunId { get; } = runId;
    public string? TaskId { get; } = taskId;
    public RunLog Log { get; } = log;

    /// <summary>How console lines name the run: <c>run=… task=…</c>.</summary>
    public override string ToString() => $"run={RunId} task={TaskId ?? "-"}";

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RunId", RunId),
        1 => new("TaskId", TaskId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The innermost run scope open on this logical call, or null.</summary>
    public static RunScope? Innermost(IExternalScopeProvider? scopes)
    {
        RunScope? found = null;
        scopes?.ForEachScope((scope, _) => { if (scope is RunScope run) found = run; }, (object?)null);
        return found;
    }
}

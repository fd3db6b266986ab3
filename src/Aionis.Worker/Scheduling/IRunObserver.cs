namespace Aionis.Worker.Scheduling;

/// <summary>How a scheduled run of a task ended, for observers such as operator notifications.</summary>
public sealed record TaskRunFinished(string TaskId, string Job, Guid RunId, string Status, int Attempt, int MaxAttempts, string? Error, DateTimeOffset FinishedAt,
    TaskDefinition Definition, bool DryRun);

/// <summary>Told about every finished run of a registry task (after retries are scheduled).</summary>
public interface IRunObserver
{
    Task OnRunFinishedAsync(TaskRunFinished run, CancellationToken cancellationToken);
}

using Aionis.Jobs.Alerts;

namespace Aionis.Worker.Scheduling;

/// <summary>Told about every finished run of a registry task (after retries are scheduled), with the task's definition.</summary>
public interface IRunObserver
{
    Task OnRunFinishedAsync(RunFinishedNotice run, TaskDefinition definition, CancellationToken cancellationToken);
}

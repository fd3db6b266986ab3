namespace Aionis.Jobs.Framework;

/// <summary>A named step of a run, stored in <c>worker.job_run_steps</c>.</summary>
public sealed record JobStep(string Name, string Status, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, object? Detail = null);

public interface IStepRecorder
{
    Task RecordAsync(JobStep step, CancellationToken cancellationToken = default);
}

public static class StepRecorder
{
    /// <summary>For runs with nowhere to record steps (no database).</summary>
    public static IStepRecorder None { get; } = new NoSteps();

    private sealed class NoSteps : IStepRecorder
    {
        public Task RecordAsync(JobStep step, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

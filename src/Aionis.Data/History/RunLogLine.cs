namespace Aionis.Data.History;

/// <summary>One line of a run's log: <c>worker.job_run_logs</c>. <see cref="Level"/> is trace, debug, info, warn, error or crit.</summary>
public sealed record RunLogLine(int Seq, DateTimeOffset LoggedAt, string Level, string Message);

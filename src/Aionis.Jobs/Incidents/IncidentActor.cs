using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>Who wrote to the incident log: the registry task of a scheduled run, else the OS user and host.</summary>
public static class IncidentActor
{
    public static string Person => $"{Environment.UserName}@{Environment.MachineName}";

    public static string Of(JobContext context) => context.TaskId is { Length: > 0 } task ? $"task:{task}" : Person;
}

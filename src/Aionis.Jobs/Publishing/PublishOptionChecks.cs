namespace Aionis.Jobs.Publishing;

/// <summary>Option checks shared by the publish jobs: the binder reports these naming the option (exit 64).</summary>
public static class PublishOptionChecks
{
    /// <summary>
    /// Why a target cannot be published to, or null. Azure targets are checked in account form here; the publisher
    /// re-reads them with the configured connection string.
    /// </summary>
    public static string? TargetProblem(string target) => Problem(() => PublishTarget.Parse(target, azureConnectionStringSet: false));

    public static string? RunIdProblem(string runId) => Problem(() => PublishTarget.CheckRunId(runId));

    private static string? Problem(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (PublishTargetException e)
        {
            return e.Message;
        }
    }
}

namespace Aionis.Worker.Running;

/// <summary>
/// The first line of the log of a run whose <c>triggered_by</c> names a control (<c>rerun:&lt;id&gt;</c>, <c>backfill</c>):
/// the operator who asked, so history tells who started it whether it ran in the CLI's process or on a node.
/// </summary>
public static class RequestedByLine
{
    public static string Of(string triggeredBy, string taskId, DateTimeOffset logicalTime, string requestedBy) =>
        $"{triggeredBy} of {taskId} as of {OperatorTime.Format(logicalTime)}, requested by {requestedBy}";
}

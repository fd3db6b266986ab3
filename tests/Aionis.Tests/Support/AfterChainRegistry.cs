namespace Aionis.Tests.Support;

/// <summary>
/// task_registry.yml for the <c>after:</c> tests: an upstream (<c>digest</c>, a yearly schedule, so it runs only when
/// enqueued) and a follower (<c>backlog</c>) with no schedule of its own, enqueued when the digest succeeds.
/// </summary>
public static class AfterChainRegistry
{
    public const string Upstream = "digest";
    public const string Follower = "backlog";

    public const string Yaml = """
        version: 1
        tasks:
          - id: digest
            job: hosted-key-rotation-sla
            schedule: "0 6 1 1 *"
            permissions: [read:control_plane]
            overlap: allow
            inputs: { strict: true }
          - id: backlog
            job: hosted-key-rotation-sla
            after: [{ task: digest }]
            permissions: [read:control_plane]

        """;
}

using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

public sealed class PublishWorkerOptions : JobOptions, IStrictOptions
{
    [Option("worker-id", "Lock owner written to claimed rows (default incident_publish_worker_<uuid>)")]
    public string WorkerId { get; set; } = "";

    [Option("tenant-id", "Only claim this tenant's jobs (default: every tenant)")]
    public string? TenantId { get; set; }

    [Option("max-jobs", "Stop after this many jobs were processed", Min = 1, Max = 2000)]
    public int MaxJobs { get; set; } = 20;

    [Option("retry-base-seconds", "Delay after the first failed attempt; doubles each attempt", Min = 1, Max = 86400)]
    public int RetryBaseSeconds { get; set; } = 30;

    [Option("retry-max-seconds", "Longest delay between attempts (raised to retry-base-seconds)", Min = 1, Max = 604800)]
    public int RetryMaxSeconds { get; set; } = 900;

    [Option("idle-sleep-ms", "With --loop: wait this long when no job is due", Min = 100, Max = 120000)]
    public int IdleSleepMs { get; set; } = 2000;

    [Option("loop", "Keep polling until max-jobs jobs were processed")]
    public bool Loop { get; set; }

    [Option("lock-timeout-seconds", "A processing row locked longer than this is recovered as a failed attempt", Min = 30, Max = 604800)]
    public int LockTimeoutSeconds { get; set; } = 900;

    [Option("publish-timeout-seconds", "Longest one publish may take before it counts as a failed attempt", Min = 1, Max = 86400)]
    public int PublishTimeoutSeconds { get; set; } = 1800;

    [Option("max-parallel-uploads", "Files uploaded at once per publish", Min = 1, Max = 64)]
    public int MaxParallelUploads { get; set; } = PublishRequest.DefaultMaxParallelUploads;

    [Option("strict", "Exit 2 when any job failed")]
    public bool Strict { get; set; }

    public RetryPolicy Retry => new(RetryBaseSeconds, RetryMaxSeconds);

    public override void ApplyDerivedLimits()
    {
        RetryMaxSeconds = Math.Max(RetryMaxSeconds, RetryBaseSeconds);
        if (WorkerId.Length == 0) WorkerId = $"incident_publish_worker_{Guid.NewGuid()}";
    }
}

using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.PublishRollup;

public sealed class PublishRollupOptions : JobOptions, ITenantOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("tenant-id", "Tenant whose publish queue is rolled up (\"*\": every active tenant)", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("window-hours", "Jobs created and replay audit events in the last this many hours", Min = 1, Max = 8760)]
    public int WindowHours { get; set; } = 168;

    [Option("sample-limit", "Most failed/dead-letter jobs in the sample (newest update first, whatever their age)", Min = 1, Max = 100)]
    public int SampleLimit { get; set; } = 20;

    [Option("strict", "Exit 2 when the publish queue schema is missing")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

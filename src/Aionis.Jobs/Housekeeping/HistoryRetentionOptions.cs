using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Housekeeping;

public sealed class HistoryRetentionOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("older-than-days", "Delete runs that started more than this many days ago (with their steps and artifact folders)", Min = 1, Max = 3650)]
    public int OlderThanDays { get; set; } = 90;

    [Option("batch-limit", "Runs deleted per statement", Min = 1, Max = 100000)]
    public int BatchLimit { get; set; } = 5000;

    [Option("max-passes", "Most batches in one run", Min = 1, Max = 10000)]
    public int MaxPasses { get; set; } = 100;

    [Option("strict", "Exit 2 when eligible runs remain after the last pass")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Checklist;

public sealed class OpsChecklistOptions : JobOptions, IStrictOptions
{
    public const string Morning = "morning", Evening = "evening";

    [Option("shift", "Which checklist: morning (overnight: nodes, overdue tasks, backup, drill, alerts, error rate, p95, runs, pauses, dead letters, P0/P1) or evening (the day: traffic by endpoint, peak hour, runs, incidents, database size and growth, free space, hand-off list)",
        Required = true, Allowed = [Morning, Evening])]
    public string Shift { get; set; } = "";

    [Option("out-dir", "Folder for <shift>.json and <shift>.md")]
    public string OutDir { get; set; } = "reports/checklists/{date}";

    [Option("max-error-rate", "Fleet error rate (5xx ÷ requests) at or above this fails", Min = 0, Max = 1)]
    public double MaxErrorRate { get; set; } = 0.01;

    [Option("max-p95-ms", "An endpoint whose p95 latency is above this fails", Min = 1, Max = 600000)]
    public double MaxP95Ms { get; set; } = 150;

    [Option("error-window-hours", "Morning: the error rate and p95 are taken over the last this many hours", Min = 1, Max = 168)]
    public int ErrorWindowHours { get; set; } = 12;

    [Option("overdue-minutes", "A task whose next fire time is this far in the past (and not paused) is overdue", Min = 1, Max = 1440)]
    public int OverdueMinutes { get; set; } = 10;

    [Option("max-backup-age-hours", "The last live backup-create run must have started within this many hours", Min = 1, Max = 720)]
    public int MaxBackupAgeHours { get; set; } = 26;

    [Option("max-drill-age-days", "The last restore drill (backup-drill or pitr-restore-drill) must be this recent, else warn", Min = 1, Max = 366)]
    public int MaxDrillAgeDays { get; set; } = 8;

    [Option("max-dead-letter", "Publish jobs in dead_letter: 1 up to this warns, more fails", Min = 0, Max = 1000000)]
    public int MaxDeadLetter { get; set; } = 20;

    [Option("min-free-percent", "Evening: a folder's file system with less free space fails (below twice this warns)", Min = 0, Max = 100)]
    public double MinFreePercent { get; set; } = 10;

    [Option("max-db-growth-percent", "Evening: database growth over 7 days above this warns", Min = 0, Max = 100000)]
    public double MaxDbGrowthPercent { get; set; } = 25;

    [Option("backups-dir", "Evening: the backup folder whose free space is checked (beside the artifacts root and the spool)")]
    public string BackupsDir { get; set; } = "backups";

    [Option("strict", "Exit 2 when any check fails")]
    public bool Strict { get; set; }
}

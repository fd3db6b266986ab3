namespace Aionis.Jobs.Backups;

/// <summary>A table whose restored row count differs from the manifest (<c>restored</c> null: the table is missing).</summary>
public sealed record RowCountMismatch(string Table, long Expected, long? Restored);

/// <summary>A backup the drill passed over because it does not verify (newer than the one restored, or none verified).</summary>
public sealed record SkippedBackup(string BackupId, string Reason);

/// <summary>Seconds spent in each phase of a drill; fetch + verify + restore is the RTO.</summary>
public sealed record DrillTimings(double FetchSeconds, double VerifySeconds, double RestoreSeconds, double CompareSeconds);

/// <summary>What a restore drill proved. <see cref="Ok"/> only when the dump verified, restored, matched its counts and both targets hold.</summary>
public sealed class BackupDrillSummary : Aionis.Jobs.Framework.IJobSummary
{
    public bool Ok => Reasons.Count == 0 && (DryRun || (ChecksumOk == true && Restored == true && CountsMatch == true));

    string? Aionis.Jobs.Framework.IJobSummary.NotOkReason => Ok || Reasons.Count == 0 ? null : string.Join("; ", Reasons);
    public required bool Strict { get; init; }
    public required bool DryRun { get; init; }
    public required string Source { get; init; }
    public required string BackupId { get; init; }
    public required string BackupUri { get; init; }
    public required string Database { get; init; }
    public required string ServerVersion { get; init; }
    public required string ScratchDatabase { get; init; }
    public required string ScratchServer { get; init; }
    public required DateTimeOffset BackupStartedAt { get; init; }
    public required DateTimeOffset DrilledAt { get; init; }
    public bool? ChecksumOk { get; set; }
    public bool? Restored { get; set; }
    public bool? CountsMatch { get; set; }
    public required int TableCount { get; init; }
    public required long TotalRows { get; init; }
    public List<RowCountMismatch> Mismatches { get; } = [];
    public double? RtoSeconds { get; set; }
    public required double RpoSeconds { get; init; }
    public required int RtoTargetSeconds { get; init; }
    public required int RpoTargetSeconds { get; init; }
    public bool? RtoOk => RtoSeconds is { } rto ? rto <= RtoTargetSeconds : null;
    public bool RpoOk => RpoSeconds <= RpoTargetSeconds;
    public DrillTimings? Timings { get; set; }
    public bool? ScratchDropped { get; set; }

    /// <summary>Newer backups at the source that do not match their manifest and were not restored, newest first.</summary>
    public List<SkippedBackup> SkippedBackups { get; } = [];

    /// <summary>Roles of the backup's globals.sql created on the scratch server before the restore (dropped with it); null without --globals.</summary>
    public List<string>? RolesCreated { get; set; }

    /// <summary>Why the drill is not ok, one line per finding (empty when ok).</summary>
    public List<string> Reasons { get; } = [];
}

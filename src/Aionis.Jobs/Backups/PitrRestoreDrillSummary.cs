using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

/// <summary>A table read in the restored copy: its exact row count, and for created_at tables the newest row.</summary>
public sealed record RestoredTable(string Table, long Rows, DateTimeOffset? NewestCreatedAt, string? NewestId);

/// <summary>Seconds of each phase; restore + start + replay (to ready) is the RTO.</summary>
public sealed record PitrDrillTimings(double RestoreSeconds, double ReplaySeconds, double VerifySeconds, double CleanupSeconds);

/// <summary>What a PITR restore drill proved. Ok only when the copy came up, was read, and both targets hold.</summary>
public sealed class PitrRestoreDrillSummary : IJobSummary
{
    public bool Ok => Reasons.Count == 0 && (DryRun || Ready == true);
    public required bool Strict { get; init; }
    public required bool DryRun { get; init; }
    public required string Stanza { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset? Target { get; init; }
    public int? Repo { get; init; }
    public required string Command { get; init; }
    public required string Database { get; init; }
    public required DateTimeOffset DrilledAt { get; init; }

    /// <summary>The backup set pgBackRest restored (in a dry run: the one it would pick).</summary>
    public string? BackupSet { get; set; }
    public string? ScratchDirectory { get; set; }
    public int? ScratchPort { get; set; }
    public bool? Ready { get; set; }
    public List<RestoredTable> Tables { get; } = [];
    public DateTimeOffset? NewestCommittedAt { get; set; }
    public double? RtoSeconds { get; set; }
    public double? RpoSeconds { get; set; }
    public required int RtoTargetSeconds { get; init; }
    public required int RpoTargetSeconds { get; init; }
    public bool? RtoOk => RtoSeconds is { } rto ? rto <= RtoTargetSeconds : null;
    public bool? RpoOk => RpoSeconds is { } rpo ? rpo <= RpoTargetSeconds : null;
    public PitrDrillTimings? Timings { get; set; }
    public bool? ScratchRemoved { get; set; }

    /// <summary>Why the drill is not ok, one line per finding.</summary>
    public List<string> Reasons { get; } = [];
}

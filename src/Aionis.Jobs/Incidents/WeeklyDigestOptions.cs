using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class WeeklyDigestOptions : JobOptions
{
    [Option("week", "ISO week to digest, e.g. 2026-W47 (default: the last full ISO week)")]
    public string? Week { get; set; }

    [Option("out-dir", "Folder for YYYY-WW.json, YYYY-WW.md and YYYY-WW.svg")]
    public string OutDir { get; set; } = "incidents/digests";

    public override IEnumerable<OptionError> Validate()
    {
        if (Week is not null && IsoWeek.Parse(Week, out var problem) is null) yield return new OptionError("week", Week, problem!);
    }
}

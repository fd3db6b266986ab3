using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.BurnRate;

public sealed class SloBurnRateOptions : JobOptions, IStrictOptions
{
    public const string Any = "any";

    [Option("slo", "The availability SLO of the SLO file whose error budget burns (Reports:SloFile)")]
    public string Slo { get; set; } = "api_availability";

    [Option("gate", "Which pairs make the verdict not ok: page (1h/5m ≥ 14.4×, 6h/30m ≥ 6×), ticket (1d/2h ≥ 3×, 3d/6h ≥ 1×) or any",
        Allowed = [BurnRateRules.Page, BurnRateRules.Ticket, Any])]
    public string Gate { get; set; } = Any;

    [Option("out-dir", "Folder for burn-rate.json and burn-rate.md (overwritten by each run)")]
    public string OutDir { get; set; } = "reports/slo-burn-rate";

    [Option("strict", "Exit 2 when a gated pair fires")]
    public bool Strict { get; set; }
}

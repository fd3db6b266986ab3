using Aionis.Jobs.Framework;
using Aionis.Jobs.Reports.Slo;

namespace Aionis.Jobs.Reports;

/// <summary>The <c>Reports</c> section: the SLO file slo-report and slo-burn-rate measure against.</summary>
public sealed class ReportsSettings : ICheckedSettings
{
    public const string SloFileKey = "Reports:SloFile";

    /// <summary>YAML with the SLOs; empty = the runbook's SLOs shipped with the worker (<c>Reports/Slo/slo.default.yml</c>).</summary>
    [Setting(SloFileKey)]
    public string? SloFile { get; set; }

    public string? SloFilePath => string.IsNullOrWhiteSpace(SloFile) ? null : Path.GetFullPath(SloFile);

    public IEnumerable<string> Problems()
    {
        if (SloFilePath is not { } path) yield break;
        if (!File.Exists(path))
        {
            yield return $"{SloFileKey} '{SloFile}': allowed an existing YAML file with the SLOs (docs/jobs/reports.md)";
            yield break;
        }
        foreach (var problem in SloFileLoader.Load(path).Problems) yield return $"{SloFileKey}: {problem}";
    }
}

using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

public sealed record BundleTarget(string Scope, string TenantId, int WindowHours);

/// <summary>One step as the reference lists it: a skipped step is ok with note <c>skipped</c> (or <c>not_available</c>).</summary>
public sealed record BundleStepEntry(string Name, bool Ok, string LogFile, string Note);

/// <summary>Paths and publish results; unset strings are "" as in the reference.</summary>
public sealed record BundleArtifacts(
    string OutDir,
    string SummaryJson,
    string EvidenceIndexJson,
    string EvidenceSignatureJson,
    string EvidenceEcdsaSignature,
    string Sha256Sums,
    string Sha256SumsSignature,
    string PublishTarget,
    bool PublishAsync,
    string PublishJobId,
    string PublishAdapter,
    string PublishAttestationJson,
    string PublishedUri);

public sealed record BundleEvidence(bool Signed, bool EcdsaSigned, int FileCount);

/// <summary><c>summary.json</c> of a bundle (without the API's base_url), plus the dry-run mark.</summary>
public sealed record IncidentBundleSummary(
    bool Ok,
    string RunId,
    BundleTarget Target,
    bool Strict,
    bool DryRun,
    IReadOnlyList<BundleStepEntry> Steps,
    IReadOnlyList<string> FailReasons,
    BundleArtifacts Artifacts,
    BundleEvidence Evidence) : IJobSummary
{
    string? IJobSummary.NotOkReason => Ok ? null : "steps not ok: " + string.Join(", ", FailReasons);
}

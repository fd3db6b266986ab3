namespace Aionis.Jobs.Evidence;

/// <summary>The <c>Evidence</c> configuration section.</summary>
public sealed class EvidenceSettings
{
    public const string Section = "Evidence";

    /// <summary>ECDSA P-256 private key (PEM); when set every bundle gets <c>evidence_index.json.sig</c>.</summary>
    public string? SigningKeyPemFile { get; set; }
}

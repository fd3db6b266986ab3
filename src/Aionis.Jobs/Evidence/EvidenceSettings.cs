using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

/// <summary>The <c>Evidence</c> configuration section.</summary>
public sealed class EvidenceSettings : ICheckedSettings
{
    public const string Section = "Evidence";

    /// <summary>ECDSA P-256 private key (PEM); when set every bundle gets <c>evidence_index.json.sig</c>.</summary>
    [Setting($"{Section}:SigningKeyPemFile")]
    public string? SigningKeyPemFile { get; set; }

    public IEnumerable<string> Problems()
    {
        if (SigningKeyPemFile is { Length: > 0 } signing && !File.Exists(signing))
        {
            yield return $"{Section}:SigningKeyPemFile '{signing}': allowed a readable PEM file (ECDSA P-256 private key)";
        }
    }
}

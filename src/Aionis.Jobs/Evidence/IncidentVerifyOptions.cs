using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

public sealed class IncidentVerifyOptions : JobOptions, IStrictOptions, ISummaryFileOptions
{
    [Option("bundle-dir", "The bundle folder; index paths resolve against it")]
    public string BundleDir { get; set; } = ".";

    [Option("index-file", "The evidence index (default: <bundle-dir>/evidence_index.json)")]
    public string? IndexFile { get; set; }

    [Option("signature-file", "The HMAC signature document (default: <bundle-dir>/evidence_index.sig.json)")]
    public string? SignatureFile { get; set; }

    [Option("signing-key", "HMAC key: checks the HMAC signature when set", Secret = true, DefaultFrom = "INCIDENT_BUNDLE_SIGNING_KEY")]
    public string? SigningKey { get; set; }

    [Option("public-key-pem", "ECDSA P-256 public key (PEM): checks <index-file>.sig and SHA256SUMS.sig when set", DefaultFrom = "Evidence:VerifyKeyPemFile")]
    public string? PublicKeyPem { get; set; }

    [Option("require-signature", "Not ok unless a signature was checked and verified (HMAC with --signing-key, or ECDSA with --public-key-pem)")]
    public bool RequireSignature { get; set; }

    [Option("strict", "Exit 2 when the bundle does not verify")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }
}

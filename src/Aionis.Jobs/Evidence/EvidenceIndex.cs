using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Evidence;

public sealed record EvidenceFile(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("size_bytes")] long SizeBytes);

/// <summary><c>evidence_index.json</c>; a dry run's index also says <c>"dry_run": true</c>.</summary>
public sealed record EvidenceIndex(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("generated_at")] string GeneratedAt,
    [property: JsonPropertyName("out_dir")] string OutDir,
    [property: JsonPropertyName("file_count")] int FileCount,
    [property: JsonPropertyName("files")] IReadOnlyList<EvidenceFile> Files)
{
    [JsonPropertyName("dry_run")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DryRun { get; init; }
}

/// <summary><c>evidence_index.sig.json</c>: the HMAC-SHA256 of the index file's exact bytes.</summary>
public sealed record EvidenceHmacSignature(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("generated_at")] string GeneratedAt,
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("index_file")] string IndexFile,
    [property: JsonPropertyName("signature_hex")] string SignatureHex);

/// <summary>The bundle's JSON documents exactly as <c>jq .</c> prints them: two-space indent and a trailing newline.</summary>
public static class EvidenceJson
{
    /// <summary>The index's timestamp form: UTC to the second, <c>YYYY-MM-DDTHH:MM:SSZ</c>.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static byte[] Bytes(object document) => Encoding.UTF8.GetBytes(JobJson.Serialize(document) + "\n");
}

using Aionis.Jobs.Framework;
using Google.Cloud.Storage.V1;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// How <c>gs://</c> targets are reached: Google's endpoint with the application default credentials, or
/// <c>STORAGE_EMULATOR_HOST</c> (unauthenticated, as Google's own client libraries read it), and the size of each
/// request of a resumable upload. Checked once at start.
/// </summary>
public sealed class GcsSettings : ICheckedSettings
{
    public const string EmulatorHostKey = "STORAGE_EMULATOR_HOST";
    public const string UploadChunkSizeKey = "Publishing:Gcs:UploadChunkSize";

    /// <summary>
    /// Each parallel upload holds one chunk in memory (the client hashes it for the <c>x-goog-hash</c> header), so
    /// the default stays below the library's 10 MiB: 8 uploads × 8 MiB; Google advises at least 8 MiB per chunk.
    /// </summary>
    public const int DefaultUploadChunkSize = 8 * 1024 * 1024;

    [Setting(EmulatorHostKey)]
    public string EmulatorHost { get; set; } = "";

    [Setting(UploadChunkSizeKey, Min = "262144", Max = "268435456")]
    public int UploadChunkSize { get; set; } = DefaultUploadChunkSize;

    /// <summary>The JSON API root of the emulator (<c>host:port</c> or a URL), or null for Google's endpoint.</summary>
    public Uri? EmulatorBaseUri() => EmulatorHost.Trim() is { Length: > 0 } host
        && Uri.TryCreate((host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host).TrimEnd('/') + "/storage/v1/",
            UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : null;

    public IEnumerable<string> Problems()
    {
        if (EmulatorHost.Trim().Length > 0 && EmulatorBaseUri() is null)
        {
            yield return $"{EmulatorHostKey} '{EmulatorHost}': allowed host:port or an http(s):// URL";
        }
        if (UploadChunkSize % UploadObjectOptions.MinimumChunkSize != 0)
        {
            yield return $"{UploadChunkSizeKey} '{UploadChunkSize}': allowed a multiple of {UploadObjectOptions.MinimumChunkSize} (256 KiB)";
        }
    }
}

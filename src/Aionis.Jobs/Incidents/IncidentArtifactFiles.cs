using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// Artifact files in <c>&lt;Incidents:Directory&gt;/&lt;incident id&gt;/</c>: at most 2 MB, only .json, .md and .txt.
/// A file is copied to a temporary name in the same folder, flushed and renamed into place, so a reader never finds
/// half of it; it is listed only after that.
/// </summary>
public static class IncidentArtifactFiles
{
    public const long MaxBytes = 2 * 1024 * 1024;
    public static readonly string[] Extensions = [".json", ".md", ".txt"];

    /// <summary>Checks the source file; throws <see cref="IncidentRequestException"/> naming the limit it breaks.</summary>
    public static FileInfo Check(string source)
    {
        var file = new FileInfo(source);
        if (!file.Exists) throw new IncidentRequestException($"FILE '{source}': no such file");
        var extension = file.Extension.ToLowerInvariant();
        if (!Extensions.Contains(extension))
            throw new IncidentRequestException($"FILE '{source}': only {string.Join(", ", Extensions)} files can be attached");
        if (file.Length > MaxBytes)
            throw new IncidentRequestException($"FILE '{source}': {file.Length} bytes is over the 2 MB limit ({MaxBytes} bytes)");
        return file;
    }

    /// <summary>Copies the checked file atomically into the incident's folder and describes it.</summary>
    public static async Task<IncidentArtifact> StoreAsync(string directory, string incidentId, FileInfo source, string actor, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var folder = Path.Combine(directory, incidentId);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, source.Name);
        var temporary = Path.Combine(folder, $".{source.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var input = source.OpenRead())
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                await input.CopyToAsync(output, cancellationToken);
                if (output.Length > MaxBytes)
                    throw new IncidentRequestException($"FILE '{source.FullName}': grew over the 2 MB limit ({MaxBytes} bytes) while being copied");
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        var sha = await FileDigest.Sha256HexAsync(target, cancellationToken);
        return new IncidentArtifact
        {
            IncidentId = incidentId,
            Name = source.Name,
            Kind = source.Extension.TrimStart('.').ToLowerInvariant(),
            SizeBytes = new FileInfo(target).Length,
            Sha256 = sha,
            Path = target,
            AddedAt = at,
            AddedBy = actor,
        };
    }
}

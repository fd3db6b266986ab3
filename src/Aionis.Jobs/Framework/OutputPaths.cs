namespace Aionis.Jobs.Framework;

/// <summary>Placeholder expansion and resolution of output paths against the artifacts root.</summary>
public static class OutputPaths
{
    public static string Resolve(string path, string artifactsRoot, Guid runId, string? taskId, string? tenantId, DateTimeOffset now)
    {
        var expanded = path
            .Replace("{run_id}", runId.ToString("N"), StringComparison.Ordinal)
            .Replace("{task_id}", taskId ?? "adhoc", StringComparison.Ordinal)
            .Replace("{tenant_id}", tenantId ?? "all", StringComparison.Ordinal)
            .Replace("{date}", now.UtcDateTime.ToString("yyyy-MM-dd"), StringComparison.Ordinal);
        return Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(artifactsRoot, expanded));
    }

    public const string DryRunMark = ".dry-run";

    /// <summary>
    /// Where a dry run writes instead of <paramref name="path"/>: beside it, <c>.dry-run</c> before the extension
    /// (<c>backups/summaries/2026-12-01.dry-run.json</c>; a folder <c>out</c> becomes <c>out.dry-run</c>). A path already
    /// inside a dry-run folder stays as it is.
    /// </summary>
    public static string DryRunForm(string path)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(path);
        if (trimmed.Split(Path.DirectorySeparatorChar).Any(part => part.Contains(DryRunMark, StringComparison.Ordinal))) return trimmed;
        var name = Path.GetFileName(trimmed);
        var extension = Path.GetExtension(name);
        var stem = name[..^extension.Length];
        return Path.Combine(Path.GetDirectoryName(trimmed) ?? "", stem + DryRunMark + extension);
    }
}

namespace Aionis.Jobs.Framework;

/// <summary>
/// Placeholder expansion and resolution of output paths against the artifacts root. A relative path stays inside the
/// root (<c>../../etc/passwd</c> or a tenant id of <c>../../x</c> is refused, exit 64); an absolute path is the
/// operator's explicit choice and is used as given.
/// </summary>
public static class OutputPaths
{
    /// <param name="option">The option the path came from, for the error line (<c>out</c>, <c>out-dir</c>, …).</param>
    public static string Resolve(string path, string artifactsRoot, Guid runId, string? taskId, string? tenantId, DateTimeOffset now, string option)
    {
        if (path.Contains("{tenant_id}", StringComparison.Ordinal) && tenantId is not null && !TenantIds.IsSafe(tenantId))
        {
            throw Refused(option, path, $"{{tenant_id}} would be '{tenantId}': {TenantIds.Rule}");
        }
        var expanded = path
            .Replace("{run_id}", runId.ToString("N"), StringComparison.Ordinal)
            .Replace("{task_id}", taskId ?? "adhoc", StringComparison.Ordinal)
            .Replace("{tenant_id}", tenantId ?? "all", StringComparison.Ordinal)
            .Replace("{date}", now.UtcDateTime.ToString("yyyy-MM-dd"), StringComparison.Ordinal);
        if (Path.IsPathRooted(expanded))
        {
            return Path.GetFullPath(expanded);
        }
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(artifactsRoot));
        var resolved = Path.GetFullPath(Path.Combine(root, expanded));
        if (resolved != root && !resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Refused(option, path, $"resolves to {resolved}, outside Worker:ArtifactsRoot ({root}); give a path inside it, or an absolute path");
        }
        return resolved;
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

    private static OptionBindingException Refused(string option, string path, string problem) => new([new OptionError(option, path, problem)]);
}

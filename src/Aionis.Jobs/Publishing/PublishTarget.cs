using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Publishing;

/// <summary>The kind of storage a publish target names.</summary>
public enum PublishTargetKind
{
    S3,
    Gcs,
    AzureAccount,
    AzureConnectionString,
    Local,
}

/// <summary>A target that cannot be published to: unknown scheme, empty bucket, a prefix that climbs, a bad run id.</summary>
public sealed class PublishTargetException(string message) : Exception(message);

/// <summary>
/// A parsed publish target: where the objects go and how <c>published_uri</c> is formed. Keys are
/// deterministic — <c>prefix/run_id/relative_path</c> — so a retried publish finds its own objects and never duplicates.
/// </summary>
public sealed record PublishTarget
{
    private PublishTarget(string original, PublishTargetKind kind, string account, string container, string prefix)
    {
        Original = original;
        Kind = kind;
        Account = account;
        Container = container;
        Prefix = prefix;
    }

    /// <summary>The target as given.</summary>
    public string Original { get; }
    public PublishTargetKind Kind { get; }

    /// <summary>Azure account name in account mode; empty otherwise.</summary>
    public string Account { get; }

    /// <summary>S3/GCS bucket or Azure container; for local targets the absolute root folder.</summary>
    public string Container { get; }

    /// <summary>Key prefix inside the bucket/container, without leading or trailing <c>/</c> (may be empty).</summary>
    public string Prefix { get; }

    /// <summary>The reference's adapter name: s3, gcs, azure_account, azure_connection_string, local.</summary>
    public string Adapter => Kind switch
    {
        PublishTargetKind.S3 => "s3",
        PublishTargetKind.Gcs => "gcs",
        PublishTargetKind.AzureAccount => "azure_account",
        PublishTargetKind.AzureConnectionString => "azure_connection_string",
        _ => "local",
    };

    /// <summary>
    /// Parses a target. <paramref name="azureConnectionStringSet"/> decides <c>az://a/b</c>: container a with prefix b
    /// when <c>AZURE_STORAGE_CONNECTION_STRING</c> is set, account a with container b otherwise.
    /// </summary>
    public static PublishTarget Parse(string target, bool azureConnectionStringSet)
    {
        if (string.IsNullOrWhiteSpace(target)) throw new PublishTargetException("publish target is empty");
        var scheme = SchemeOf(target);
        // Only "scheme://" forms name storage; "file:relative/x" or "javascript:x" would otherwise become a local folder.
        var slashes = scheme is not null && target.AsSpan(scheme.Length + 1).StartsWith("//");
        return (scheme, slashes) switch
        {
            (null, _) => Local(target, target),
            ("file", true) => Local(target, target["file://".Length..]),
            ("s3", true) => Bucket(target, PublishTargetKind.S3),
            ("gs", true) => Bucket(target, PublishTargetKind.Gcs),
            ("az", true) => Azure(target, azureConnectionStringSet),
            _ => throw new PublishTargetException(
                $"publish target '{Framework.Secrets.RedactUrl(target)}': unsupported scheme '{scheme}:{(slashes ? "//" : "")}' (use s3://, gs://, az://, file:// or a path)"),
        };
    }

    /// <summary>The key prefix of one run: <c>prefix/run_id</c> (or <c>run_id</c> without a prefix).</summary>
    public string RunPrefix(string runId) => Join(Prefix, CheckRunId(runId));

    /// <summary>The object key (or key prefix) of a path relative to the target root (e.g. <c>run_id/relative_path</c>).</summary>
    public string KeyOf(string relativePath) => Join(Prefix, relativePath);

    /// <summary>The path relative to the target root of an object key under <see cref="Prefix"/>.</summary>
    public string RelativePathOf(string key) => Prefix.Length == 0 ? key : key[(Prefix.Length + 1)..];

    /// <summary>The reference's <c>published_uri</c> for a run.</summary>
    public string PublishedUri(string runId)
    {
        CheckRunId(runId);
        return Kind switch
        {
            PublishTargetKind.S3 or PublishTargetKind.Gcs => TrimOneTrailingSlash(Original) + "/" + runId,
            PublishTargetKind.AzureConnectionString => $"az://{Container}/{RunPrefix(runId)}",
            PublishTargetKind.AzureAccount => $"az://{Account}/{Container}/{RunPrefix(runId)}",
            _ => Path.Combine(Container, runId),
        };
    }

    /// <summary>A run id becomes one key segment: it may not be empty, hold a slash or be <c>.</c>/<c>..</c>.</summary>
    public static string CheckRunId(string runId)
    {
        if (string.IsNullOrWhiteSpace(runId) || runId.Contains('/') || runId.Contains('\\') || runId is "." or ".."
            || runId.Any(char.IsControl))
        {
            throw new PublishTargetException($"run id '{runId}' cannot be a key segment (empty, '/', '\\', '.' or '..')");
        }
        return runId;
    }

    private static PublishTarget Bucket(string target, PublishTargetKind kind)
    {
        var rest = target[(target.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0) throw new PublishTargetException($"publish target '{target}': the bucket is empty");
        var prefix = slash < 0 ? "" : TrimPrefix(target, rest[(slash + 1)..]);
        return new PublishTarget(target, kind, "", bucket, prefix);
    }

    private static PublishTarget Azure(string target, bool connectionStringSet)
    {
        var parts = target["az://".Length..].Split('/', 3);
        var p1 = parts[0];
        var p2 = parts.Length > 1 ? parts[1] : "";
        var rest = parts.Length > 2 ? parts[2] : "";
        if (p1.Length == 0) throw new PublishTargetException($"publish target '{target}': the container or account is empty");
        if (p2.Length > 0 && connectionStringSet)
        {
            return new PublishTarget(target, PublishTargetKind.AzureConnectionString, "", p1, TrimPrefix(target, p2 + (rest.Length > 0 ? "/" + rest : "")));
        }
        if (p2.Length == 0)
        {
            throw new PublishTargetException(connectionStringSet
                ? $"publish target '{target}': az://container needs a prefix (az://container/prefix)"
                : $"invalid azure account target '{target}': expected az://account/container[/prefix] (or set AZURE_STORAGE_CONNECTION_STRING for az://container/prefix)");
        }
        return new PublishTarget(target, PublishTargetKind.AzureAccount, p1, p2, TrimPrefix(target, rest));
    }

    private static PublishTarget Local(string target, string path)
    {
        if (path.Length == 0) throw new PublishTargetException($"publish target '{target}': the path is empty");
        if (Segments(path).Contains("..")) throw new PublishTargetException($"publish target '{target}': '..' is not allowed in the path");
        return new PublishTarget(target, PublishTargetKind.Local, "", Path.GetFullPath(TrimOneTrailingSlash(path) is { Length: > 0 } p ? p : "/"), "");
    }

    /// <summary>One leading and one trailing slash stripped, as the reference's parse_bucket_prefix; no '..' or empty segments.</summary>
    private static string TrimPrefix(string target, string prefix)
    {
        if (prefix.StartsWith('/')) prefix = prefix[1..];
        prefix = TrimOneTrailingSlash(prefix);
        if (prefix.Length == 0) return "";
        var segments = Segments(prefix);
        if (segments.Contains("..") || segments.Contains("."))
        {
            throw new PublishTargetException($"publish target '{target}': '.' and '..' are not allowed in the prefix");
        }
        if (segments.Contains(""))
        {
            throw new PublishTargetException($"publish target '{target}': the prefix has an empty segment ('//')");
        }
        return prefix;
    }

    private static string[] Segments(string path) => path.Split('/', '\\');

    /// <summary>
    /// A target as a run uses it: URLs (<c>s3://</c>, <c>gs://</c>, <c>az://</c>, <c>file://</c>) stay as given; a plain
    /// path is an output path (<see cref="JobContext.ResolvePath"/>), so <c>backups</c> means the same folder for the run
    /// that writes it, the drill that reads it and a queued publish on another node.
    /// </summary>
    public static string Resolve(string target, JobContext context) => SchemeOf(target) is null ? context.ResolvePath(target, "target") : target;

    /// <summary>The lowercased URI scheme (RFC 3986: a letter, then letters, digits, '+', '-', '.', then ':'), or null for a path.</summary>
    private static string? SchemeOf(string target)
    {
        var at = target.IndexOf(':');
        if (at <= 0) return null;
        var scheme = target[..at];
        return scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') && char.IsAsciiLetter(scheme[0])
            ? scheme.ToLowerInvariant()
            : null;
    }

    private static string TrimOneTrailingSlash(string value) => value.EndsWith('/') ? value[..^1] : value;

    private static string Join(string prefix, string path) => prefix.Length == 0 ? path : prefix + "/" + path;
}

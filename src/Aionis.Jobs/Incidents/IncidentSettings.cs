using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Incidents;

/// <summary>
/// The <c>Incidents</c> section: which store the incident log uses, where its files live, and the triage policy.
/// The env names of the runbook (<c>INCIDENT_BACKEND</c>, <c>INCIDENT_ARTIFACTS_DIR</c>) work too; the section wins.
/// </summary>
public sealed class IncidentSettings
{
    public const string Section = "Incidents";
    public const string Postgres = "postgres";
    public const string Jsonl = "jsonl";
    public const string Auto = "auto";
    public static readonly string[] Backends = [Postgres, Jsonl, Auto];
    private static readonly TimeSpan MinRetry = TimeSpan.FromSeconds(1), MaxRetry = TimeSpan.FromDays(1);

    /// <summary><c>postgres</c>, <c>jsonl</c> or <c>auto</c> (Postgres, JSONL while it is unreachable).</summary>
    public string Backend { get; set; } = Auto;

    /// <summary>The JSONL files and the per-incident artifact folders.</summary>
    public string Directory { get; set; } = "";

    /// <summary>After a connection failure, <c>auto</c> writes JSONL for this long before it tries Postgres again.</summary>
    public TimeSpan PostgresRetryAfter { get; set; } = TimeSpan.FromMinutes(5);
    public string PostgresRetryAfterText { get; set; } = "";

    /// <summary>The triage routing policy (YAML); empty = the default shipped with the worker.</summary>
    public string? PolicyFile { get; set; }

    public static void Bind(IncidentSettings settings, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        settings.Backend = (section["Backend"] ?? configuration["INCIDENT_BACKEND"] ?? Auto).Trim();
        var root = configuration["Worker:ArtifactsRoot"] is { Length: > 0 } r ? r : System.IO.Directory.GetCurrentDirectory();
        var directory = section["Directory"] ?? configuration["INCIDENT_ARTIFACTS_DIR"];
        settings.Directory = string.IsNullOrWhiteSpace(directory) ? Path.Combine(root, "incidents") : Path.GetFullPath(directory, root);
        settings.PostgresRetryAfterText = section["PostgresRetryAfter"] ?? "";
        if (settings.PostgresRetryAfterText.Length > 0)
        {
            settings.PostgresRetryAfter = DurationText.TryParse(settings.PostgresRetryAfterText, out var d) ? d
                : TimeSpan.TryParse(settings.PostgresRetryAfterText, System.Globalization.CultureInfo.InvariantCulture, out var t) ? t
                : TimeSpan.MinValue;
        }
        settings.PolicyFile = section["PolicyFile"] is { Length: > 0 } policy ? Path.GetFullPath(policy) : null;
    }

    public IEnumerable<string> Validate()
    {
        if (!Backends.Contains(Backend))
            yield return $"Incidents:Backend '{Backend}' must be one of {string.Join(", ", Backends)}";
        if (PostgresRetryAfter < MinRetry || PostgresRetryAfter > MaxRetry)
            yield return $"Incidents:PostgresRetryAfter '{PostgresRetryAfterText}' must be a duration between 1s and 1d (e.g. 5m)";
        if (PolicyFile is not null)
        {
            if (!File.Exists(PolicyFile))
            {
                yield return $"Incidents:PolicyFile '{PolicyFile}' does not exist";
            }
            else if (TriagePolicyLoader.Problems(PolicyFile) is { Count: > 0 } problems)
            {
                foreach (var problem in problems) yield return $"Incidents:PolicyFile {problem}";
            }
        }
    }
}

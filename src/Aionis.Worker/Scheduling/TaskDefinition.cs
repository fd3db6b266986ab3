using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Aionis.Jobs.Alerts;
using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// The one model of a task: what the registry loader builds from task_registry.yml, what a sync persists in the
/// task's Quartz job data (enough for any node to run it, whatever registry file that node has), what a fire, a rerun,
/// a backfill and the CLI read back. Its policies are records of their own (<see cref="RetryPolicy"/>,
/// <see cref="NotifyPolicy"/>, <see cref="ConcurrencyGroup"/>, <see cref="AfterDependency"/>); the trigger carries the
/// schedule, this carries everything else, hashed so a sync rewrites only what changed. The few facts that come from
/// the file around the task (its calendars, where it stands) are set by the loader and not persisted.
/// </summary>
public sealed record TaskDefinition
{
    // The task's Quartz job data: this definition, its hash (what the next sync compares; PersistedSchedule reads it
    // in SQL by this name) and the hash of the registry file it came from.
    private const string DefinitionKey = "definition";
    private const string DefinitionHashKey = "definition_hash";
    private const string RegistryHashKey = "registry_hash";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new SecondsConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The task id: the name of its Quartz job, which carries it (not in the persisted JSON).</summary>
    [JsonIgnore] public string Id { get; init; } = "";

    /// <summary>The job type's name (<c>job:</c>).</summary>
    public required string Job { get; init; }

    public string? Description { get; init; }
    public string? Owner { get; init; }

    /// <summary>The schedule as written (5-field cron, Quartz cron or @daily…); empty for a task fired only by its <see cref="After"/> upstreams.</summary>
    public required string Schedule { get; init; }

    public required string TimeZone { get; init; }
    public bool Enabled { get; init; } = true;
    public bool DryRun { get; init; }
    public IReadOnlyList<string> Permissions { get; init; } = [];

    /// <summary>Inputs as written (registry names), in the shape of <see cref="TaskInputs"/>; bound per run (<see cref="TaskInputs"/>).</summary>
    public IReadOnlyDictionary<string, object?> Inputs { get; init; } = new Dictionary<string, object?>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
    public OverlapPolicy Overlap { get; init; } = OverlapPolicy.Skip;
    public CatchUpPolicy CatchUp { get; init; } = CatchUpPolicy.Once;

    /// <summary>Missed fires older than this before a catch-up are dropped (one <c>skipped</c> row counts them); null: no bound.</summary>
    public TimeSpan? CatchUpWindow { get; init; }

    /// <summary>Upper bound of the stable per-fire delay (<see cref="FireJitter"/>); zero: none.</summary>
    public TimeSpan Jitter { get; init; }

    public RetryPolicy Retry { get; init; } = RetryPolicy.None;
    public NotifyPolicy Notify { get; init; } = NotifyPolicy.None;
    public ConcurrencyGroup? Group { get; init; }
    public IReadOnlyList<AfterDependency> After { get; init; } = [];
    public bool RequestsRecovery { get; init; } = true;

    /// <summary>Whether the task has a cron schedule of its own (a task with only <c>after:</c> has none).</summary>
    [JsonIgnore] public bool Scheduled => Schedule.Length > 0;

    /// <summary>
    /// The schedule as a Quartz cron expression (validated when the registry was loaded); a task that is not
    /// <see cref="Scheduled"/> has none (<see cref="InvalidOperationException"/>, which <c>aionis backfill</c> reports).
    /// </summary>
    [JsonIgnore]
    public string QuartzCron => CronSchedule.TryToQuartz(Schedule, out var quartz, out var problem)
        ? quartz
        : throw new InvalidOperationException($"task {Id}: schedule '{Schedule}': {problem}");

    /// <summary>The calendars of <c>exclude_calendars</c> with their bases (the loader's, from the file); null when the task names none.</summary>
    [JsonIgnore] public TaskCalendar? Calendar { get; init; }

    /// <summary>Where the task stands in the file (for errors); not persisted.</summary>
    [JsonIgnore] public int Line { get; init; }

    [JsonIgnore] public int Column { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this with { Inputs = new SortedDictionary<string, object?>(Inputs.ToDictionary(), StringComparer.Ordinal) }, Json);

    /// <summary>
    /// The persisted definition, its inputs in the shape of <see cref="TaskInputs"/>. Job data a sync wrote before the
    /// policies were nested (flat <c>max_attempts</c>, <c>notify_*</c>, <c>*_seconds</c> fields) is read as well: the
    /// next sync rewrites it, as its hash differs.
    /// </summary>
    public static TaskDefinition FromJson(string json)
    {
        var node = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("empty task definition");
        var definition = node.ContainsKey("max_attempts") ? FlatTaskDefinition.Read(node, Json) : node.Deserialize<TaskDefinition>(Json)!;
        return definition with { Inputs = definition.Inputs.ToDictionary(i => i.Key, i => TaskInputs.Plain(i.Value), StringComparer.Ordinal) };
    }

    /// <summary>The job data a sync stores with the task's Quartz job.</summary>
    public JobDataMap ToJobData(string registryHash) => new()
    {
        [DefinitionKey] = ToJson(),
        [DefinitionHashKey] = Hash(),
        [RegistryHashKey] = registryHash,
    };

    /// <summary>The definition a sync stored with a task's Quartz job (<see cref="ToJobData"/>), its id the job's name.</summary>
    public static TaskDefinition Of(IJobDetail job) => FromJson(job.JobDataMap.GetString(DefinitionKey)!) with { Id = job.Key.Name };

    /// <summary>The hash of the registry file the stored definition came from.</summary>
    public static string? RegistryHashOf(IJobDetail job) => job.JobDataMap.GetString(RegistryHashKey);

    public string Hash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())));

    /// <summary>
    /// Durations are persisted as seconds (a JSON number), so SQL over the job data reads them as numbers
    /// (<c>aionis status</c> reads <c>timeout</c>).
    /// </summary>
    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(value.TotalSeconds);
    }
}

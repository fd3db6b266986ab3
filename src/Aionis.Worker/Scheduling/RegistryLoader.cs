using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Reads and validates task_registry.yml. Every problem is collected with file, line, column, task and
/// field; a registry with any problem is rejected whole. Hostile files are bounded before a model is built
/// (<see cref="RegistryYamlBounds"/>, <see cref="MaxFileBytes"/>, <see cref="MaxTasks"/>).
/// </summary>
/// <param name="clock">"Now" for schedules that can never fire again (a past year, 30 February).</param>
public sealed partial class RegistryLoader(JobCatalog catalog, Func<string, string?> configurationDefaults, TimeProvider? clock = null)
{
    /// <summary>1 MiB: the repository's registry is 8 KB; a 50 MB file once became 52 MB of Quartz job data.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Tasks per file; each becomes a Quartz job and a trigger in every sync.</summary>
    public const int MaxTasks = 5000;

    private static readonly string[] TopLevelKeys = ["version", "defaults", "calendars", "groups", "tasks"];
    private static readonly string[] TaskKeys =
    [
        "id", "job", "description", "owner", "schedule", "enabled", "dry_run", "permissions", "notify", "inputs",
        "time_zone", "timeout", "overlap", "catch_up", "catch_up_window", "retry", "requests_recovery", "exclude_calendars", "jitter",
        "group", "after",
    ];
    private static readonly string[] AfterKeys = ["task", "within", "status"];
    private static readonly string[] AfterStatuses = ["succeeded", "gate_failed", "failed", "timed_out", "cancelled"];
    private static readonly string[] NotifyKeys = ["on_failure", "on_gate_failed", "severity", "channels", "overdue_after", "long_running_after", "long_running"];
    private static readonly string[] RetryKeys = ["max_attempts", "backoff", "max_backoff"];
    private static readonly string[] Severities = ["info", "warning", "critical"];
    private static readonly string[] PathInputs = ["out", "out_dir", "work_dir"];

    public TaskRegistry Load(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new RegistryInvalidException(path, [new RegistryError(path, 0, 0, null, "file", "not found")]);
        }
        if (file.Length > MaxFileBytes)
        {
            // Not read at all: the size alone rejects it.
            throw new RegistryInvalidException(path, [TooLarge(path, file.Length)]);
        }
        return Parse(path, File.ReadAllText(path));
    }

    private static RegistryError TooLarge(string path, long bytes) =>
        new(Path.GetFileName(path), 1, 1, null, "file", $"{bytes:N0} bytes is larger than the {MaxFileBytes:N0} bytes a registry may have");

    public TaskRegistry Parse(string path, string text)
    {
        var errors = new List<RegistryError>();
        var tasks = new List<TaskDefinition>();
        var file = Path.GetFileName(path);
        var defaultNodes = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        void Error(YamlNode? node, string? task, string field, string message)
        {
            // A bad value under defaults is one mistake, reported once at its own line, not once per task using it.
            var inDefaults = node is not null && defaultNodes.Contains(node);
            var error = inDefaults
                ? new RegistryError(file, (int)node!.Start.Line, (int)node.Start.Column, null, field.StartsWith("defaults.", StringComparison.Ordinal) ? field : $"defaults.{field}", message)
                : new RegistryError(file, (int)(node?.Start.Line ?? 1), (int)(node?.Start.Column ?? 1), task, field, message);
            if (!inDefaults || reported.Add(error.ToString())) errors.Add(error);
        }

        if (Encoding.UTF8.GetByteCount(text) is var bytes && bytes > MaxFileBytes)
        {
            throw new RegistryInvalidException(path, [TooLarge(path, bytes)]);
        }
        if (RegistryYamlBounds.Check(file, text) is { } unsafeYaml)
        {
            throw new RegistryInvalidException(path, [unsafeYaml]);
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // The bounds walk parsed the same text, so a syntax error was reported there; this is a model-level one.
            errors.Add(new RegistryError(file, (int)e.Start.Line, (int)e.Start.Column, null, "yaml", (e.InnerException ?? e).Message));
            throw new RegistryInvalidException(path, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.FirstOrDefault()?.RootNode, null, "registry", "expected a mapping with version, defaults and tasks");
            throw new RegistryInvalidException(path, errors);
        }

        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Where(k => !TopLevelKeys.Contains(k.Value)))
        {
            Error(key, null, key.Value!, $"unknown key (allowed: {string.Join(", ", TopLevelKeys)})");
        }
        var version = Child(root, "version");
        if (version is not YamlScalarNode { Value: "1" })
        {
            Error(version ?? root, null, "version", "must be 1");
        }

        var defaults = new Dictionary<string, YamlNode>();
        if (Child(root, "defaults") is { } defaultsNode)
        {
            defaultNodes.UnionWith(defaultsNode.AllNodes);
            if (defaultsNode is YamlMappingNode map)
            {
                foreach (var (k, v) in map.Children)
                {
                    var name = ((YamlScalarNode)k).Value!;
                    if (!TaskKeys.Contains(name) || name is "id" or "job" or "schedule")
                    {
                        Error(k, null, $"defaults.{name}", "unknown key (defaults take the task keys other than id, job and schedule)");
                        continue;
                    }
                    defaults[name] = v;
                }
            }
            else
            {
                Error(defaultsNode, null, "defaults", "expected a mapping");
            }
        }

        var calendars = Calendars(Child(root, "calendars"), Error);
        var groups = Groups(Child(root, "groups"), Error);
        // A calendar or group with a bad value is reported where it is defined, not again at every task naming it.
        var declared = new Sections(calendars, groups,
            (Child(root, "calendars") as YamlMappingNode)?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal) ?? [],
            (Child(root, "groups") as YamlMappingNode)?.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!).ToHashSet(StringComparer.Ordinal) ?? []);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (Child(root, "tasks") is not YamlSequenceNode taskList)
        {
            Error(Child(root, "tasks") ?? root, null, "tasks", "expected a list of tasks");
        }
        else
        {
            if (taskList.Children.Count > MaxTasks)
            {
                Error(taskList.Children[MaxTasks], null, "tasks", $"{taskList.Children.Count:N0} tasks; a registry may have at most {MaxTasks:N0}");
                throw new RegistryInvalidException(path, errors);
            }
            foreach (var node in taskList.Children)
            {
                if (node is not YamlMappingNode taskNode)
                {
                    Error(node, null, "tasks[]", "expected a mapping");
                    continue;
                }
                var task = ParseTask(taskNode, defaults, ids, declared, Error);
                if (task is not null) tasks.Add(task);
            }
        }

        CheckAfter(file, tasks, ids, errors);
        if (errors.Count > 0)
        {
            throw new RegistryInvalidException(path, errors);
        }
        return new TaskRegistry(Path.GetFullPath(path), Hash(text), tasks) { Calendars = calendars, Groups = groups };
    }

    /// <summary>The calendars and groups tasks may name; <c>Declared*</c> also holds the ones whose definition had errors.</summary>
    private sealed record Sections(
        IReadOnlyDictionary<string, RegistryCalendar> Calendars, IReadOnlyDictionary<string, ConcurrencyGroup> Groups,
        IReadOnlySet<string> DeclaredCalendars, IReadOnlySet<string> DeclaredGroups);

    private TaskDefinition? ParseTask(YamlMappingNode node, IReadOnlyDictionary<string, YamlNode> defaults, HashSet<string> ids, Sections sections,
        Action<YamlNode?, string?, string, string> error)
    {
        var idNode = Child(node, "id");
        var id = (idNode as YamlScalarNode)?.Value;
        var errorCount = 0;
        void Error(YamlNode? at, string field, string message)
        {
            errorCount++;
            error(at, id is null ? null : Printable(id), field, message);
        }

        foreach (var key in node.Children.Keys.OfType<YamlScalarNode>().Where(k => !TaskKeys.Contains(k.Value)))
        {
            Error(key, key.Value!, $"unknown key (allowed: {string.Join(", ", TaskKeys)})");
        }
        if (idNode is not null and not YamlScalarNode)
        {
            Error(idNode, "id", $"expected a task id, not {Shape(idNode)}");
        }
        else if (id is null || !TaskId().IsMatch(id))
        {
            Error(idNode ?? node, "id", $"'{Printable(id)}' must match ^[a-z][a-z0-9_]*$");
        }
        else if (!ids.Add(id))
        {
            Error(idNode, "id", $"duplicate task id '{id}'");
        }

        YamlNode? Value(string key) => Child(node, key) ?? defaults.GetValueOrDefault(key);

        var jobNode = Child(node, "job");
        JobDescriptor? job = null;
        if (!TryScalar(jobNode, "job", out var jobName)) { }
        else if (string.IsNullOrEmpty(jobName))
        {
            Error(jobNode ?? node, "job", "is required");
        }
        else if (!catalog.TryGet(jobName, out job))
        {
            Error(jobNode, "job", $"unknown job type '{jobName}' (aionis jobs lists them)");
        }

        var scheduleNode = Child(node, "schedule");
        var quartzCron = "";
        var scheduleOk = false;
        var after = After(Value("after"));
        if (!TryScalar(scheduleNode, "schedule", out var schedule)) { }
        else if (string.IsNullOrWhiteSpace(schedule) && after.Count > 0)
        {
            // Fired by its upstreams alone.
            schedule = "";
        }
        else if (string.IsNullOrWhiteSpace(schedule))
        {
            Error(scheduleNode ?? node, "schedule", "is required (or after: to fire when an upstream task ends)");
        }
        else if (!CronSchedule.TryToQuartz(schedule, out quartzCron, out var problem))
        {
            Error(scheduleNode, "schedule", problem!);
        }
        else
        {
            scheduleOk = true;
        }

        var zoneOk = TryScalar(Value("time_zone"), "time_zone", out var zoneText);
        var timeZone = zoneText ?? "UTC";
        if (zoneOk && !TryFindZone(timeZone))
        {
            zoneOk = false;
            Error(Value("time_zone"), "time_zone", $"unknown time zone '{timeZone}' (use an IANA name such as UTC or Europe/Berlin)");
        }
        if (scheduleOk && zoneOk && CronSchedule.NeverFires(quartzCron, TimeZoneInfo.FindSystemTimeZoneById(timeZone), (clock ?? TimeProvider.System).GetUtcNow()))
        {
            Error(scheduleNode, "schedule", $"'{schedule}' never fires (no such date from now on in {timeZone}); a task needs a schedule that fires");
        }
        TryScalar(Value("description"), "description", out var description);
        TryScalar(Value("owner"), "owner", out var owner);

        var timeout = Duration(Value("timeout"), "timeout", TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        var overlap = Choice(Value("overlap"), "overlap", OverlapPolicy.Skip);
        var catchUp = Choice(Value("catch_up"), "catch_up", CatchUpPolicy.Once);
        var enabled = Flag(Value("enabled"), "enabled", true);
        var dryRun = Flag(Value("dry_run"), "dry_run", false);
        var recovery = Flag(Value("requests_recovery"), "requests_recovery", true);
        var catchUpWindow = Value("catch_up_window") is { } windowNode
            ? Duration(windowNode, "catch_up_window", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(90))
            : (TimeSpan?)null;
        if (catchUpWindow is not null && catchUp == CatchUpPolicy.Skip)
        {
            Error(Value("catch_up_window"), "catch_up_window", "bounds catch_up: once; with catch_up: skip no missed fire runs anyway");
        }
        var jitter = Duration(Value("jitter"), "jitter", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        var excluded = List(Value("exclude_calendars"), "exclude_calendars");
        foreach (var (name, at) in excluded.Where(c => !sections.DeclaredCalendars.Contains(c.Value)))
        {
            Error(at, "exclude_calendars", $"unknown calendar '{Printable(name)}' (calendars: defines {(sections.DeclaredCalendars.Count == 0 ? "none" : string.Join(", ", sections.DeclaredCalendars.Order(StringComparer.Ordinal)))})");
        }
        var calendar = TaskCalendar.For(excluded.Select(c => c.Value), sections.Calendars);
        ConcurrencyGroup? group = null;
        if (TryScalar(Value("group"), "group", out var groupName) && groupName is not null && !sections.Groups.TryGetValue(groupName, out group)
            && !sections.DeclaredGroups.Contains(groupName))
        {
            Error(Value("group"), "group", $"unknown group '{Printable(groupName)}' (groups: defines {(sections.DeclaredGroups.Count == 0 ? "none" : string.Join(", ", sections.DeclaredGroups.Order(StringComparer.Ordinal)))})");
        }
        var retry = Retry(Value("retry"));
        var notify = Notify(Value("notify"));
        var permissions = List(Value("permissions"), "permissions");
        foreach (var (permission, at) in permissions.Where(p => !Permissions.All.Contains(p.Value)))
        {
            Error(at, "permissions", $"unknown permission '{permission}' (known: {string.Join(", ", Permissions.All)})");
        }

        var inputsNode = Value("inputs");
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        var inputNodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (inputsNode is YamlMappingNode inputMap)
        {
            foreach (var (k, v) in inputMap.Children)
            {
                var name = ((YamlScalarNode)k).Value!;
                inputNodes[name] = k;
                inputs[name] = TaskInputs.FromYaml(v, out var ok);
                if (!ok) Error(v, $"inputs.{name}", "expected a value or a list of values");
            }
        }
        else if (inputsNode is not null and not YamlScalarNode { Value: null or "" })
        {
            Error(inputsNode, "inputs", "expected a mapping of option names to values");
        }

        JobOptions? options = null;
        if (job is not null)
        {
            try
            {
                options = TaskInputs.Bind(job, inputs, new Dictionary<string, object?>(), configurationDefaults);
            }
            catch (OptionBindingException e)
            {
                foreach (var problem in e.Errors)
                {
                    var key = problem.Option.Replace('-', '_');
                    Error(inputNodes.GetValueOrDefault(key) ?? inputsNode ?? node, $"inputs.{key}", InputProblem(problem));
                }
            }
            if (options is ITenantOptions { TenantId: "*" } && !job.PerTenant)
            {
                Error(inputNodes.GetValueOrDefault("tenant_id"), "inputs.tenant_id", $"'*' fans out only per-tenant jobs; {job.Name} is not one");
            }
            // Output paths are checked against a stand-in root: a relative one that leaves it would leave any root.
            foreach (var name in PathInputs.Where(n => inputs.GetValueOrDefault(n) is string))
            {
                try
                {
                    OutputPaths.Resolve((string)inputs[name]!, "/artifacts-root", Guid.Empty, id, null, DateTimeOffset.UnixEpoch, name.Replace('_', '-'));
                }
                catch (OptionBindingException)
                {
                    Error(inputNodes[name], $"inputs.{name}", $"'{Printable((string)inputs[name]!)}' leaves Worker:ArtifactsRoot; give a path inside it, or an absolute path");
                }
            }
            if (options is not null)
            {
                var granted = permissions.Select(p => p.Value).ToHashSet(StringComparer.Ordinal);
                var missing = job.RequiredPermissions(options).Where(p => !granted.Contains(p)).ToList();
                if (missing.Count > 0)
                {
                    Error(Value("permissions") ?? node, "permissions", $"{job.Name} with these inputs needs {string.Join(", ", missing)} (not granted)");
                }
            }
        }

        if (errorCount > 0 || job is null || options is null || id is null)
        {
            return null;
        }
        return new TaskDefinition
        {
            Id = id,
            Job = job.Name,
            Description = description,
            Owner = owner,
            Schedule = schedule!,
            TimeZone = timeZone,
            Enabled = enabled,
            DryRun = dryRun,
            Permissions = permissions.Select(p => p.Value).ToList(),
            Inputs = inputs,
            Timeout = timeout,
            Overlap = overlap,
            CatchUp = catchUp,
            CatchUpWindow = catchUpWindow,
            Jitter = jitter,
            Retry = retry,
            Notify = notify,
            Group = group,
            After = after,
            RequestsRecovery = recovery,
            Calendar = calendar,
            Line = (int)node.Start.Line,
            Column = (int)node.Start.Column,
        };

        // Every single-valued field goes through here: a list or mapping where a value belongs is an error, never a default.
        bool TryScalar(YamlNode? at, string field, out string? text)
        {
            text = (at as YamlScalarNode)?.Value;
            if (at is null or YamlScalarNode) return true;
            Error(at, field, $"expected a single value, not {Shape(at)}");
            return false;
        }

        bool Flag(YamlNode? at, string field, bool fallback)
        {
            if (at is null || !TryScalar(at, field, out var text)) return fallback;
            if (text is "true" or "false") return text == "true";
            Error(at, field, $"'{Printable(text)}' must be true or false");
            return fallback;
        }

        TimeSpan Duration(YamlNode? at, string field, TimeSpan fallback, TimeSpan min, TimeSpan max)
        {
            if (at is null || !TryScalar(at, field, out var text)) return fallback;
            if (DurationText.TryParse(text, out var value) && value >= min && value <= max) return value;
            Error(at, field, $"'{Printable(text)}' must be a duration like 90s, 30m, 2h, 1d between {DurationText.Format(min)} and {DurationText.Format(max)}");
            return fallback;
        }

        T Choice<T>(YamlNode? at, string field, T fallback) where T : struct, Enum
        {
            if (at is null || !TryScalar(at, field, out var text)) return fallback;
            var names = Enum.GetValues<T>().ToDictionary(v => v.ToString().ToLowerInvariant(), v => v, StringComparer.Ordinal);
            if (text is not null && names.TryGetValue(text, out var value)) return value;
            Error(at, field, $"'{Printable(text)}' must be one of {string.Join(", ", names.Keys)}");
            return fallback;
        }

        List<(string Value, YamlNode At)> List(YamlNode? at, string field)
        {
            if (at is null) return [];
            if (at is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
            {
                return seq.Children.Select(c => (((YamlScalarNode)c).Value ?? "", c)).ToList();
            }
            Error(at, field, "expected a list like [a, b]");
            return [];
        }

        List<AfterDependency> After(YamlNode? at)
        {
            if (at is null) return [];
            if (at is not YamlSequenceNode list || list.Children.Any(c => c is not YamlMappingNode))
            {
                Error(at, "after", "expected a list like [{ task: platform_digest, within: 2h, status: succeeded }]");
                return [];
            }
            var entries = new List<AfterDependency>();
            foreach (var entry in list.Children.Cast<YamlMappingNode>())
            {
                foreach (var key in entry.Children.Keys.OfType<YamlScalarNode>().Where(k => !AfterKeys.Contains(k.Value)))
                {
                    Error(key, $"after.{key.Value}", $"unknown key (allowed: {string.Join(", ", AfterKeys)})");
                }
                var taskNode = Child(entry, "task");
                if (!TryScalar(taskNode, "after.task", out var upstream)) continue;
                if (string.IsNullOrEmpty(upstream))
                {
                    Error(taskNode ?? entry, "after.task", "is required: the id of the upstream task");
                    continue;
                }
                var within = Duration(Child(entry, "within"), "after.within", TimeSpan.FromDays(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
                var statusOk = TryScalar(Child(entry, "status"), "after.status", out var status);
                status ??= "succeeded";
                if (statusOk && !AfterStatuses.Contains(status))
                {
                    Error(Child(entry, "status"), "after.status", $"'{Printable(status)}' must be one of {string.Join(", ", AfterStatuses)}");
                }
                entries.Add(new AfterDependency(upstream, within, status) { Line = (int)taskNode!.Start.Line, Column = (int)taskNode.Start.Column });
            }
            return entries;
        }

        RetryPolicy Retry(YamlNode? at)
        {
            if (at is null) return RetryPolicy.None;
            if (at is not YamlMappingNode map)
            {
                Error(at, "retry", "expected { max_attempts, backoff, max_backoff }");
                return RetryPolicy.None;
            }
            foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !RetryKeys.Contains(k.Value)))
            {
                Error(key, $"retry.{key.Value}", $"unknown key (allowed: {string.Join(", ", RetryKeys)})");
            }
            var attemptsNode = Child(map, "max_attempts");
            var attempts = 1;
            if (TryScalar(attemptsNode, "retry.max_attempts", out var attemptsText) && attemptsNode is not null
                && !(int.TryParse(attemptsText, NumberStyles.None, CultureInfo.InvariantCulture, out attempts) && attempts is >= 1 and <= 100))
            {
                Error(attemptsNode, "retry.max_attempts", $"'{Printable(attemptsText)}' must be a whole number in 1..100");
                attempts = 1;
            }
            var backoff = Duration(Child(map, "backoff"), "retry.backoff", RetryPolicy.None.Backoff, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            var maxBackoff = Duration(Child(map, "max_backoff"), "retry.max_backoff", RetryPolicy.None.MaxBackoff, TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
            if (maxBackoff < backoff)
            {
                Error(Child(map, "max_backoff") ?? map, "retry.max_backoff", "must not be shorter than backoff");
            }
            return new RetryPolicy(attempts, backoff, maxBackoff);
        }

        NotifyPolicy Notify(YamlNode? at)
        {
            if (at is null) return NotifyPolicy.None;
            if (at is not YamlMappingNode map)
            {
                Error(at, "notify", "expected { on_failure, on_gate_failed, severity, channels, overdue_after }");
                return NotifyPolicy.None;
            }
            foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !NotifyKeys.Contains(k.Value)))
            {
                Error(key, $"notify.{key.Value}", $"unknown key (allowed: {string.Join(", ", NotifyKeys)})");
            }
            var severityOk = TryScalar(Child(map, "severity"), "notify.severity", out var severityText);
            var severity = severityText ?? "warning";
            if (severityOk && !Severities.Contains(severity))
            {
                Error(Child(map, "severity"), "notify.severity", $"'{Printable(severity)}' must be one of {string.Join(", ", Severities)}");
            }
            TimeSpan? overdue = Child(map, "overdue_after") is { } o
                ? Duration(o, "notify.overdue_after", TimeSpan.FromDays(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(90))
                : null;
            TimeSpan? longAfter = Child(map, "long_running_after") is { } l
                ? Duration(l, "notify.long_running_after", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7))
                : null;
            double? p95Factor = null;
            if (Child(map, "long_running") is { } p && TryScalar(p, "notify.long_running", out var factorText))
            {
                if (factorText is not null && factorText.StartsWith("p95x", StringComparison.Ordinal)
                    && double.TryParse(factorText[4..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var factor) && factor is >= 1 and <= 100)
                {
                    p95Factor = factor;
                }
                else
                {
                    Error(p, "notify.long_running", $"'{Printable(factorText)}' must be p95xN with N in 1..100, like p95x3 (three times the 7-day p95 duration)");
                }
                if (longAfter is not null) Error(p, "notify.long_running", "give long_running_after or long_running, not both");
            }
            return new NotifyPolicy
            {
                OnFailure = Flag(Child(map, "on_failure"), "notify.on_failure", false),
                OnGateFailed = Flag(Child(map, "on_gate_failed"), "notify.on_gate_failed", false),
                Severity = severity,
                Channels = List(Child(map, "channels"), "notify.channels").Select(c => c.Value).ToList(),
                OverdueAfter = overdue,
                LongRunningAfter = longAfter,
                LongRunningP95Factor = p95Factor,
            };
        }
    }

    private static string InputProblem(OptionError problem) =>
        problem.Value is null ? problem.Problem : $"'{problem.Value}': {problem.Problem}";

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Shape(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    /// <summary>A value as it appears in an error line: control characters escaped, so "evil\n" cannot forge a second line.</summary>
    private static string Printable(string? text) =>
        string.Concat((text ?? "").Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static bool TryFindZone(string id)
    {
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The hash a sync records for a file, also for one that fails validation.</summary>
    public static string HashOf(string path) => File.Exists(path) ? Hash(File.ReadAllText(path)) : "missing";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // \z, not $: "$" also matches before a trailing newline, which let "evil\n" through.
    [GeneratedRegex(@"^[a-z][a-z0-9_]*\z")]
    private static partial Regex TaskId();
}

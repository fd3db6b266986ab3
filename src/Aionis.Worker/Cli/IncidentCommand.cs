using System.CommandLine;
using System.Globalization;
using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;
using Aionis.Jobs.Incidents;
using Aionis.Worker.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Cli;

/// <summary>
/// <c>aionis incident create|list|show|event|followup-done|attach|close</c>: the incident routine of the runbook on the
/// configured backend (<c>Incidents:Backend</c>). Every write records the actor as <c>user@host</c>.
/// </summary>
public static class IncidentCommand
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON instead of text" };

    public static Command Create()
    {
        var command = new Command("incident", """
            The incident log (worker.incidents, or the JSONL files in Incidents:Directory while Postgres is unreachable with
            Incidents:Backend=auto): open incidents, keep their timeline, follow-ups and files, close them
            """);
        command.Subcommands.Add(CreateCommand());
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(EventCommand());
        command.Subcommands.Add(FollowupDoneCommand());
        command.Subcommands.Add(AttachCommand());
        command.Subcommands.Add(CloseCommand());
        return command;
    }

    private static Command CreateCommand()
    {
        var service = new Option<string>("--service") { Description = "The affected service (e.g. aionis-api)", Required = true };
        var severity = new Option<string>("--severity") { Description = "P0 (worst) .. P3", Required = true };
        var title = new Option<string>("--title") { Description = "One line saying what is wrong", Required = true };
        var env = new Option<string>("--env") { Description = "Environment (default prod)", DefaultValueFactory = _ => "prod" };
        var kind = new Option<string>("--kind") { Description = "What kind of problem (default manual); with service, env and title it makes the signature", DefaultValueFactory = _ => "manual" };
        var startedAt = new Option<string?>("--started-at") { Description = "When it started (ISO-8601, e.g. 2026-12-01T14:05Z; default now)" };
        var summary = new Option<string?>("--summary") { Description = "Longer description" };
        var command = new Command("create", "Open an incident; prints its id (--json: the record)") { service, severity, title, env, kind, startedAt, summary, Json };
        command.SetAction((parse, token) => RunAsync(parse, async log =>
        {
            var level = Severity(parse.GetValue(severity)!, "--severity");
            var started = parse.GetValue(startedAt) is { } text ? Time(text, "--started-at") : (DateTimeOffset?)null;
            var incident = await log.CreateAsync(new NewIncident(NonEmpty(parse.GetValue(service), "--service"), level, NonEmpty(parse.GetValue(title), "--title"))
            {
                Env = NonEmpty(parse.GetValue(env), "--env"),
                Kind = NonEmpty(parse.GetValue(kind), "--kind"),
                StartedAt = started,
                Summary = parse.GetValue(summary),
            }, IncidentActor.Person, token);
            Print(parse, incident, incident.Id);
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var status = new Option<string?>("--status") { Description = $"Only incidents with this status ({string.Join(", ", IncidentStatus.All)})" };
        var service = new Option<string?>("--service") { Description = "Only this service" };
        var since = new Option<string?>("--since") { Description = "Only incidents started within this duration (e.g. 7d)" };
        var limit = new Option<string>("--limit") { Description = "Most rows [1..1000] (default 50)", DefaultValueFactory = _ => "50" };
        var command = new Command("list", "Incidents, newest first") { status, service, since, limit, Json };
        command.SetAction((parse, token) => RunAsync(parse, async (log, clock) =>
        {
            if (parse.GetValue(status) is { } s && !IncidentStatus.All.Contains(s))
                throw new IncidentRequestException($"--status '{s}': allowed {string.Join(", ", IncidentStatus.All)}");
            if (!int.TryParse(parse.GetValue(limit), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max is < 1 or > 1000)
                throw new IncidentRequestException($"--limit '{parse.GetValue(limit)}': expected a whole number in 1..1000");
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                from = clock.GetUtcNow() - (DurationText.TryParse(text, out var window) ? window
                    : throw new IncidentRequestException($"--since '{text}': expected a duration like 24h or 7d"));
            }
            var incidents = await log.ListAsync(new IncidentQuery(parse.GetValue(status), parse.GetValue(service), from, max), token);
            if (parse.GetValue(Json))
            {
                Console.Out.WriteLine(JobJson.Serialize(incidents));
                return;
            }
            Console.Out.WriteLine($"{"id",-27} {"sev",-3} {"status",-10} {"started (UTC)",-16} {"service",-18} {"kind",-24} title");
            foreach (var i in incidents)
            {
                Console.Out.WriteLine($"{i.Id,-27} {i.Severity,-3} {i.Status,-10} {i.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} {Cut(i.Service, 18),-18} {Cut(i.Kind, 24),-24} {i.Title}");
            }
            Console.Out.WriteLine($"{incidents.Count} incident(s)");
        }));
        return command;
    }

    private static Command ShowCommand()
    {
        var id = IdArgument();
        var command = new Command("show", "One incident: record, timeline, follow-ups and artifacts") { id, Json };
        command.SetAction((parse, token) => RunAsync(parse, async log =>
        {
            var detail = await log.ShowAsync(Id(parse, id), token) ?? throw new IncidentRequestException($"incident '{parse.GetValue(id)}': no such incident");
            if (parse.GetValue(Json))
            {
                Console.Out.WriteLine(JobJson.Serialize(new
                {
                    detail.Incident,
                    Timeline = detail.Events,
                    Followups = detail.Events.Where(e => e.Type == IncidentEventType.Followup).ToList(),
                    detail.Artifacts,
                }));
                return;
            }
            var i = detail.Incident;
            Console.Out.WriteLine($"{i.Id}  {i.Severity}  {i.Status}  {i.Title}");
            Console.Out.WriteLine($"  {i.Service} / {i.Env} / {i.Kind}; started {Stamp(i.StartedAt)}; occurrences {i.Occurrences}; created by {i.CreatedBy}");
            if (i.ResolvedAt is { } resolved) Console.Out.WriteLine($"  resolved {Stamp(resolved)}");
            if (i.ClosedAt is { } closed) Console.Out.WriteLine($"  closed {Stamp(closed)}");
            if (i.Summary is { Length: > 0 } text) Console.Out.WriteLine($"  {text}");
            Console.Out.WriteLine("timeline:");
            foreach (var e in detail.Events)
            {
                var followup = e.Type == IncidentEventType.Followup
                    ? $" [{e.Priority} owner {e.Owner ?? "-"} due {(e.DueAt is { } due ? Stamp(due) : "-")} {(e.DoneAt is { } done ? $"done {Stamp(done)}" : "open")}]"
                    : "";
                Console.Out.WriteLine($"  {e.Seq,3}  {Stamp(e.At)}  {e.Type,-8} {e.Message}{followup}  ({e.Actor})");
            }
            Console.Out.WriteLine("artifacts:");
            foreach (var a in detail.Artifacts)
            {
                Console.Out.WriteLine($"  {a.Name}  {a.SizeBytes} bytes  sha256 {a.Sha256}  {a.Path}");
            }
        }));
        return command;
    }

    private static Command EventCommand()
    {
        var id = IdArgument();
        var type = new Option<string>("--type") { Description = "note, decision, followup or status", Required = true };
        var message = new Option<string>("--message") { Description = "What happened, was decided or must be done", Required = true };
        var status = new Option<string?>("--status") { Description = "With --type status: mitigating, resolved or closed" };
        var priority = new Option<string?>("--priority") { Description = "With --type followup: P0..P3 (default P2)" };
        var owner = new Option<string?>("--owner") { Description = "With --type followup: who does it" };
        var due = new Option<string?>("--due") { Description = "With --type followup: due in a duration (24h) or at a time (ISO-8601)" };
        var command = new Command("event", "Add to an incident's timeline (a status event moves its status)") { id, type, message, status, priority, owner, due, Json };
        command.SetAction((parse, token) => RunAsync(parse, async (log, clock) =>
        {
            var kind = parse.GetValue(type)!;
            string[] types = [IncidentEventType.Note, IncidentEventType.Decision, IncidentEventType.Followup, IncidentEventType.Status];
            if (!types.Contains(kind)) throw new IncidentRequestException($"--type '{kind}': allowed {string.Join(", ", types)}");
            string[] statuses = [IncidentStatus.Mitigating, IncidentStatus.Resolved, IncidentStatus.Closed];
            var newStatus = parse.GetValue(status);
            if (kind == IncidentEventType.Status && newStatus is null) throw new IncidentRequestException("--status: required with --type status (mitigating, resolved or closed)");
            if (newStatus is not null && kind != IncidentEventType.Status) throw new IncidentRequestException($"--status '{newStatus}': only with --type status");
            if (newStatus is not null && !statuses.Contains(newStatus)) throw new IncidentRequestException($"--status '{newStatus}': allowed {string.Join(", ", statuses)}");
            var isFollowup = kind == IncidentEventType.Followup;
            foreach (var (name, value) in new[] { ("--priority", parse.GetValue(priority)), ("--owner", parse.GetValue(owner)), ("--due", parse.GetValue(due)) })
            {
                if (value is not null && !isFollowup) throw new IncidentRequestException($"{name} '{value}': only with --type followup");
            }
            var now = clock.GetUtcNow();
            var (_, added) = await log.AddEventAsync(Id(parse, id), new IncidentChanges.EventDraft(kind, NonEmpty(parse.GetValue(message), "--message"), IncidentActor.Person, now)
            {
                Status = newStatus,
                Priority = isFollowup ? Severity(parse.GetValue(priority) ?? "P2", "--priority") : null,
                Owner = parse.GetValue(owner),
                DueAt = parse.GetValue(due) is { } d ? (DurationText.TryParse(d, out var after) ? now + after : Time(d, "--due")) : null,
            }, token);
            Print(parse, added, $"{added.IncidentId} #{added.Seq} {added.Type}");
        }));
        return command;
    }

    private static Command FollowupDoneCommand()
    {
        var id = IdArgument();
        var seq = new Argument<string>("seq") { Description = "The follow-up's seq (aionis incident show lists it)" };
        var command = new Command("followup-done", "Mark a follow-up done") { id, seq, Json };
        command.SetAction((parse, token) => RunAsync(parse, async log =>
        {
            if (!int.TryParse(parse.GetValue(seq), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                throw new IncidentRequestException($"SEQ '{parse.GetValue(seq)}': expected a whole number from 1");
            var done = await log.CompleteFollowupAsync(Id(parse, id), number, token);
            Print(parse, done, $"{done.IncidentId} #{done.Seq} done {Stamp(done.DoneAt!.Value)}");
        }));
        return command;
    }

    private static Command AttachCommand()
    {
        var id = IdArgument();
        var file = new Argument<string>("file") { Description = $"A .json, .md or .txt file of at most 2 MB" };
        var command = new Command("attach", "Copy a file into the incident's folder (atomically) and list it") { id, file, Json };
        command.SetAction((parse, token) => RunAsync(parse, async log =>
        {
            var artifact = await log.AttachAsync(Id(parse, id), parse.GetValue(file)!, IncidentActor.Person, token);
            Print(parse, artifact, artifact.Path);
        }));
        return command;
    }

    private static Command CloseCommand()
    {
        var id = IdArgument();
        var resolution = new Option<string?>("--resolution") { Description = "How it ended (recorded in the closing status event)" };
        var command = new Command("close", "Close an incident (resolved too, if it was not)") { id, resolution, Json };
        command.SetAction((parse, token) => RunAsync(parse, async log =>
        {
            var (incident, _) = await log.CloseAsync(Id(parse, id), parse.GetValue(resolution), IncidentActor.Person, token);
            Print(parse, incident, $"{incident.Id} closed");
        }));
        return command;
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The incident id (inc_YYYYMMDD_HHMM_xxxxxx)" };

    private static string Id(ParseResult parse, Argument<string> argument)
    {
        var id = parse.GetValue(argument)!;
        return IncidentIds.IsValid(id) ? id : throw new IncidentRequestException($"ID '{id}': expected an incident id like inc_20261201_1405_a1b2c3");
    }

    private static Task<int> RunAsync(ParseResult parse, Func<IncidentLog, Task> action) => RunAsync(parse, (log, _) => action(log));

    /// <param name="action">Gets the incident log and the worker's clock (the one every "now" of a command comes from).</param>
    private static async Task<int> RunAsync(ParseResult parse, Func<IncidentLog, TimeProvider, Task> action)
    {
        try
        {
            using var services = CliServices.Build(parse);
            var log = services.GetRequiredService<IncidentLog>();
            await action(log, services.GetRequiredService<TimeProvider>());
            if (log.Backend == IncidentSettings.Jsonl && services.GetRequiredService<IncidentSettings>().Backend == IncidentSettings.Auto)
            {
                Console.Error.WriteLine($"aionis incident: Postgres unreachable; used the JSONL fallback in {services.GetRequiredService<IncidentSettings>().Directory}");
            }
            return ExitCodes.Ok;
        }
        catch (IncidentRequestException e)
        {
            Console.Error.WriteLine($"aionis incident: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) Console.Error.WriteLine($"aionis: configuration: {failure}");
            return ExitCodes.Usage;
        }
    }

    private static void Print(ParseResult parse, object record, string text) =>
        Console.Out.WriteLine(parse.GetValue(Json) ? JobJson.Serialize(record) : text);

    private static string Severity(string value, string option) => IncidentSeverity.All.Contains(value)
        ? value
        : throw new IncidentRequestException($"{option} '{value}': allowed {string.Join(", ", IncidentSeverity.All)}");

    private static string NonEmpty(string? value, string option) => string.IsNullOrWhiteSpace(value)
        ? throw new IncidentRequestException($"{option} '': must not be empty")
        : value.Trim();

    private static DateTimeOffset Time(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : throw new IncidentRequestException($"{option} '{text}': expected an ISO-8601 time like 2026-12-01T14:05Z");

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}

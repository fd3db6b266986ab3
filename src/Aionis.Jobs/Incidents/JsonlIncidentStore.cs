using System.Text;
using System.Text.Json;
using Aionis.Data.Incidents;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

/// <summary>The JSONL files as read: the last line of each incident, event (incident, seq) and artifact (incident, name) wins.</summary>
public sealed record JsonlSnapshot(
    IReadOnlyDictionary<string, Incident> Incidents,
    IReadOnlyDictionary<(string IncidentId, int Seq), IncidentEvent> Events,
    IReadOnlyDictionary<(string IncidentId, string Name), IncidentArtifact> Artifacts)
{
    public bool IsEmpty => Incidents.Count == 0 && Events.Count == 0 && Artifacts.Count == 0;
}

/// <summary>
/// The file backend: <c>incidents.jsonl</c>, <c>events.jsonl</c> and <c>artifacts.jsonl</c> in <c>Incidents:Directory</c>,
/// append-only (a change appends the record's new state). Writers of any process take <c>.lock</c> first; each line is
/// written and flushed in one piece, and a torn last line (a kill mid-write) is ignored when reading.
/// </summary>
public sealed class JsonlIncidentStore(string directory) : IIncidentBackend
{
    public const string IncidentsFile = "incidents.jsonl";
    public const string EventsFile = "events.jsonl";
    public const string ArtifactsFile = "artifacts.jsonl";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public string Directory { get; } = directory;
    public string LastUsed => IncidentSettings.Jsonl;

    public bool HasBacklog => new[] { IncidentsFile, EventsFile, ArtifactsFile }.Any(f => new FileInfo(PathOf(f)) is { Exists: true, Length: > 0 });

    public Task CreateAsync(Incident incident, CancellationToken cancellationToken) => LockedAsync(() =>
    {
        Append(IncidentsFile, [incident]);
        return Task.FromResult(0);
    }, cancellationToken);

    public Task<(Incident Updated, IncidentEvent Event)> ChangeAsync(string id, IncidentChange change, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var snapshot = Read();
            var current = snapshot.Incidents.GetValueOrDefault(id) ?? throw NotHere(id);
            var nextSeq = snapshot.Events.Keys.Where(k => k.IncidentId == id).Select(k => k.Seq).DefaultIfEmpty(0).Max() + 1;
            var result = change(current, nextSeq);
            // The event first: a kill between the two lines leaves a timeline entry whose incident row is one change behind.
            Append(EventsFile, [result.Event]);
            Append(IncidentsFile, [result.Updated]);
            return Task.FromResult(result);
        }, cancellationToken);

    public Task<IncidentEvent?> CompleteFollowupAsync(string id, int seq, DateTimeOffset at, CancellationToken cancellationToken) =>
        LockedAsync(() =>
        {
            var snapshot = Read();
            if (!snapshot.Incidents.ContainsKey(id)) throw NotHere(id);
            if (snapshot.Events.GetValueOrDefault((id, seq)) is not { Type: IncidentEventType.Followup } followup) return Task.FromResult<IncidentEvent?>(null);
            if (followup.DoneAt is null)
            {
                followup = followup with { DoneAt = at };
                Append(EventsFile, [followup]);
            }
            return Task.FromResult<IncidentEvent?>(followup);
        }, cancellationToken);

    public Task AddArtifactAsync(IncidentArtifact artifact, CancellationToken cancellationToken) => LockedAsync(() =>
    {
        if (!Read().Incidents.ContainsKey(artifact.IncidentId)) throw NotHere(artifact.IncidentId);
        Append(ArtifactsFile, [artifact]);
        return Task.FromResult(0);
    }, cancellationToken);

    public Task<IncidentDetail?> ShowAsync(string id, CancellationToken cancellationToken) => LockedAsync(() =>
    {
        var snapshot = Read();
        return Task.FromResult(snapshot.Incidents.GetValueOrDefault(id) is { } incident
            ? new IncidentDetail(incident,
                snapshot.Events.Values.Where(e => e.IncidentId == id).OrderBy(e => e.Seq).ToList(),
                snapshot.Artifacts.Values.Where(a => a.IncidentId == id).OrderBy(a => a.Name, StringComparer.Ordinal).ToList())
            : null);
    }, cancellationToken);

    public Task<IReadOnlyList<Incident>> ListAsync(IncidentQuery query, CancellationToken cancellationToken) => LockedAsync(() =>
        Task.FromResult<IReadOnlyList<Incident>>(Read().Incidents.Values
            .Where(i => (query.Status is null || i.Status == query.Status) && (query.Service is null || i.Service == query.Service)
                && (query.Since is null || i.StartedAt >= query.Since))
            .OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(query.Limit).ToList()), cancellationToken);

    /// <summary>Runs <paramref name="work"/> holding the directory's lock file (shared by every process using the folder).</summary>
    public async Task<T> LockedAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var deadline = DateTimeOffset.UtcNow + LockTimeout;
        FileStream? handle = null;
        while (handle is null)
        {
            try
            {
                handle = new FileStream(PathOf(".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
        await using (handle)
        {
            return await work();
        }
    }

    /// <summary>Everything in the files (call under <see cref="LockedAsync{T}"/>).</summary>
    public JsonlSnapshot Read() => new(
        Lines<Incident>(IncidentsFile).GroupBy(i => i.Id).ToDictionary(g => g.Key, g => g.Last()),
        Lines<IncidentEvent>(EventsFile).GroupBy(e => (e.IncidentId, e.Seq)).ToDictionary(g => g.Key, g => g.Last()),
        Lines<IncidentArtifact>(ArtifactsFile).GroupBy(a => (a.IncidentId, a.Name)).ToDictionary(g => g.Key, g => g.Last()));

    /// <summary>Appends records, one line each, flushed to disk before returning (call under the lock).</summary>
    public void Append<T>(string file, IEnumerable<T> records)
    {
        var text = new StringBuilder();
        foreach (var record in records) text.Append(JsonSerializer.Serialize(record, JobJson.Compact)).Append('\n');
        using var stream = new FileStream(PathOf(file), FileMode.Append, FileAccess.Write, FileShare.Read);
        RepairTornLine(stream);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Empties the backlog after it has been moved into Postgres (call under the lock).</summary>
    public void Clear()
    {
        foreach (var file in new[] { EventsFile, ArtifactsFile, IncidentsFile }) File.Delete(PathOf(file));
    }

    public string PathOf(string file) => Path.Combine(Directory, file);

    private IEnumerable<T> Lines<T>(string file) where T : class
    {
        var path = PathOf(file);
        if (!File.Exists(path)) yield break;
        var text = File.ReadAllText(path);
        var complete = text.LastIndexOf('\n') + 1;
        foreach (var line in text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Parse<T>(line) is { } record) yield return record;
        }
    }

    /// <summary>Null for the remains of a torn write (lines are only ever written whole, so nothing else fails to parse).</summary>
    private static T? Parse<T>(string line) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, JobJson.Compact);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A line cut short by a kill would swallow the next record: end it first so the next line stands alone.</summary>
    private static void RepairTornLine(FileStream stream)
    {
        if (stream.Length == 0) return;
        using var reader = new FileStream(stream.Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        reader.Seek(-1, SeekOrigin.End);
        if (reader.ReadByte() != '\n') stream.Write("\n"u8);
    }

    private static IncidentRequestException NotHere(string id) =>
        new($"incident '{id}': not in the JSONL incident log (an incident kept in Postgres can be changed only while Postgres is reachable)");
}

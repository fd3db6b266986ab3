namespace Aionis.Data.Incidents;

/// <summary>
/// An alert for triage. <see cref="EpisodeKey"/> groups the occurrences of one alert source (an operator alert episode, a
/// tenant event in one interval); <see cref="EpisodeTotal"/> is that source's running count, so the inbox row gets only
/// the occurrences not seen before.
/// </summary>
public sealed record InboxAlert
{
    public required string AlertKey { get; init; }
    public required string EpisodeKey { get; init; }
    public required int EpisodeTotal { get; init; }

    /// <summary><c>operator</c> or <c>tenant</c>.</summary>
    public required string Source { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string Service { get; init; }
    public required string Env { get; init; }
    public required string Kind { get; init; }

    /// <summary>The alert's own severity: <c>warning</c> or <c>critical</c>.</summary>
    public required string Severity { get; init; }
    public required string Fingerprint { get; init; }
    public required string Summary { get; init; }

    /// <summary>Occurrences this row stands for (set by the inbox).</summary>
    public int Occurrences { get; init; } = 1;
}

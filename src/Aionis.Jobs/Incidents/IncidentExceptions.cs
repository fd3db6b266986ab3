namespace Aionis.Jobs.Incidents;

/// <summary>A request the incident log refuses (unknown incident, bad artifact, illegal change): exit 64, one line.</summary>
public sealed class IncidentRequestException(string message) : Exception(message);

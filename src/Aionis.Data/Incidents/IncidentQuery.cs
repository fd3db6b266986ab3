namespace Aionis.Data.Incidents;

/// <summary>Filters of <c>aionis incident list</c>; newest first.</summary>
public sealed record IncidentQuery(string? Status = null, string? Service = null, DateTimeOffset? Since = null, int Limit = 50);

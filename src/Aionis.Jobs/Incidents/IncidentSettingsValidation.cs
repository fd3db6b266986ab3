using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Incidents;

/// <summary>Checks <see cref="IncidentSettings"/> when first used and, under <c>serve</c>, at start (ValidateOnStart).</summary>
internal sealed class IncidentSettingsValidation : IValidateOptions<IncidentSettings>
{
    public ValidateOptionsResult Validate(string? name, IncidentSettings options) =>
        options.Validate().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}

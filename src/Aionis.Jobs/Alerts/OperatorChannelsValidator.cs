using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Alerts;

/// <summary>Checks the operator channels and routing at start, beside <see cref="AlertSettings"/>, which they depend on.</summary>
internal sealed class OperatorChannelsValidator(IConfiguration configuration) : IValidateOptions<AlertSettings>
{
    public ValidateOptionsResult Validate(string? name, AlertSettings options)
    {
        try
        {
            OperatorChannelSet.Validate(configuration);
            return ValidateOptionsResult.Success;
        }
        catch (AlertConfigurationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}

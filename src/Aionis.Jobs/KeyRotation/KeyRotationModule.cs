using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Jobs.KeyRotation;

internal sealed class KeyRotationModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddTransient<KeyRotationSlaReader>();
}

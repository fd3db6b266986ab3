using Aionis.Data.Controls;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Hosting;

/// <summary>serve's part of the operator's controls: the node and cancellation stores and the <see cref="NodeControl"/> loop.</summary>
public sealed class NodeControlModule : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<NodeStore>();
        services.AddSingleton<RunCancellationStore>();
        services.AddSingleton<RunCancellationPoller>();
        services.AddHostedService<NodeControl>();
    }
}

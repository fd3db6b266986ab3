using Aionis.Data.History;
using Aionis.Data.Pauses;
using Aionis.Data.Registry;
using Aionis.Data.Status;
using Aionis.Jobs.Framework;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Quartz on the worker's database plus the registry's services; <c>serve</c> and the CLI's scheduler clients share it.
/// With <paramref name="observers"/> (serve) also what happens when a run ends: operator notifications and the tasks
/// that run after it.
/// </summary>
/// <param name="instanceId">Unique among live processes: the node name for <c>serve</c>, a throwaway id for CLI clients.</param>
public sealed class SchedulingModule(DatabaseSettings database, WorkerOptions worker, string instanceId, bool observers = false) : IServiceModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerScheduler(database.Require(), worker, instanceId);
        services.AddSingleton<PersistedSchedule>();
        services.AddSingleton<RegistrySyncStore>();
        services.AddSingleton<TaskStatusStore>();
        services.AddSingleton<RegistrySynchronizer>();
        services.AddSingleton<TaskPauseStore>();
        services.AddSingleton<TaskPauses>();
        services.AddSingleton<TaskEnqueuer>();
        services.AddSingleton<TaskLock>();
        services.AddSingleton<GroupSlots>();
        services.AddSingleton<UpstreamRunStore>();
        services.AddSingleton<TaskDurationStore>();
        services.AddSingleton<LongRunningWatch>();
        if (observers)
        {
            services.AddSingleton<OperatorNotifications>();
            services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<OperatorNotifications>());
            services.AddSingleton<IRunObserver, AfterTrigger>();
        }
    }
}

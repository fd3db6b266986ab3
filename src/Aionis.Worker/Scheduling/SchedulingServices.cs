using Aionis.Data.Pauses;
using Aionis.Data.Registry;
using Aionis.Data.Status;
using Microsoft.Extensions.DependencyInjection;
using Aionis.Worker.Configuration;

namespace Aionis.Worker.Scheduling;

public static class SchedulingServices
{
    /// <summary>Quartz on the worker's database plus the registry services; <c>serve</c> and the CLI's scheduler clients share it.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, DatabaseSettings database, WorkerOptions worker, string instanceId)
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
        services.AddSingleton<Aionis.Data.History.UpstreamRunStore>();
        services.AddSingleton<Aionis.Data.History.TaskDurationStore>();
        services.AddSingleton<LongRunningWatch>();
        return services;
    }

    /// <summary>What <c>serve</c> does when a run ends: operator notifications and the tasks that run after it.</summary>
    public static IServiceCollection AddRunObservers(this IServiceCollection services)
    {
        services.AddSingleton<OperatorNotifications>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<OperatorNotifications>());
        services.AddSingleton<IRunObserver, AfterTrigger>();
        return services;
    }
}

using System.Text.RegularExpressions;
using Aionis.Data.Model;
using Microsoft.EntityFrameworkCore;

namespace Aionis.Data;

/// <summary>The worker's own schema (<c>worker</c>). Hot paths use plain Npgsql; this model owns the shape and the migrations.</summary>
public sealed partial class WorkerDbContext(DbContextOptions<WorkerDbContext> options) : DbContext(options)
{
    public const string Schema = "worker";
    public const string MigrationsHistoryTable = "ef_migrations_history";

    /// <summary>Npgsql with the migrations history kept in the worker schema.</summary>
    public static DbContextOptions<WorkerDbContext> CreateOptions(string connectionString) =>
        new DbContextOptionsBuilder<WorkerDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, Schema))
            .Options;

    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<JobRunStep> JobRunSteps => Set<JobRunStep>();
    public DbSet<RegistrySync> RegistrySyncs => Set<RegistrySync>();
    public DbSet<TaskPause> TaskPauses => Set<TaskPause>();
    public DbSet<OperatorAlert> OperatorAlerts => Set<OperatorAlert>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);

        model.Entity<JobRun>(run =>
        {
            run.ToTable("job_runs");
            run.HasKey(r => r.RunId);
            run.Property(r => r.Inputs).HasColumnType("jsonb");
            run.Property(r => r.Summary).HasColumnType("jsonb");
            run.Property(r => r.PlannedActions).HasColumnType("jsonb");
            run.Property(r => r.Artifacts).HasColumnType("jsonb");
            run.HasIndex(r => new { r.TaskId, r.StartedAt }).IsDescending(false, true).HasDatabaseName("ix_job_runs_task_started");
            run.HasIndex(r => new { r.Status, r.StartedAt }).IsDescending(false, true).HasDatabaseName("ix_job_runs_status_started");
            run.HasIndex(r => new { r.TaskId, r.Status, r.StartedAt }).IsDescending(false, false, true).HasDatabaseName("ix_job_runs_task_status_started");
            run.HasIndex(r => r.StartedAt).HasDatabaseName("ix_job_runs_started");
            run.HasIndex(r => r.Node).HasFilter("status = 'running'").HasDatabaseName("ix_job_runs_running_node");
            run.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<JobRunStep>(step =>
        {
            step.ToTable("job_run_steps");
            step.HasKey(s => new { s.RunId, s.Seq });
            step.Property(s => s.Detail).HasColumnType("jsonb");
        });

        model.Entity<RegistrySync>(sync =>
        {
            sync.ToTable("registry_syncs");
            sync.HasKey(s => s.Id);
            sync.Property(s => s.Errors).HasColumnType("jsonb");
            sync.HasIndex(s => s.At).IsDescending().HasDatabaseName("ix_registry_syncs_at");
        });

        model.Entity<TaskPause>(pause =>
        {
            pause.ToTable("task_pauses");
            pause.HasKey(p => p.TaskId);
        });

        model.Entity<OperatorAlert>(alert =>
        {
            alert.ToTable("operator_alerts");
            alert.HasKey(a => new { a.TaskId, a.Kind });
        });

        foreach (var entity in model.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys())
            {
                key.SetName(SnakeCase(key.GetName()!));
            }
            foreach (var fk in entity.GetForeignKeys())
            {
                fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            }
        }
    }

    private static string SnakeCase(string name) => UpperCase().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex UpperCase();
}

using Aionis.Jobs.Framework;
using Aionis.Worker.Hosting;
using Aionis.Worker.Running;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aionis.Bench.Publishing;

/// <summary>A migrated database of the benchmark's own and the worker's services on it, to run jobs exactly as the CLI does.</summary>
internal sealed class PublishingBenchDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PublishingBenchDatabase(string connectionString, ServiceProvider services)
    {
        ConnectionString = connectionString;
        _services = services;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }
    public IServiceProvider Services => _services;

    public static async Task<PublishingBenchDatabase> CreateAsync(BenchContext context, string name, IDictionary<string, string?> settings)
    {
        var connectionString = await MigratedDatabase.CreateAsync(context.PostgresAdmin, name);

        var values = new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:Aionis"] = connectionString,
            ["Worker:ArtifactsRoot"] = Path.Combine(context.WorkDirectory, "artifacts"),
            ["Worker:SpoolDirectory"] = Path.Combine(context.WorkDirectory, "spool"),
            ["Worker:NodeName"] = "bench",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddWorker(configuration).BuildServiceProvider();
        return new PublishingBenchDatabase(connectionString, services);
    }

    public async Task ExecuteAsync(string sql, params object[] args)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    public Task<RunResult> RunJobAsync(string job, IDictionary<string, object?> options)
    {
        var descriptor = JobCatalog.Default.Get(job);
        var bound = OptionBinder.Bind(descriptor, options);
        return _services.GetRequiredService<JobRunner>().RunAsync(new RunRequest(descriptor, bound), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await _services.DisposeAsync();
    }
}

using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Support;

/// <summary>
/// A job test against a fresh database, with the worker's services on a fixed clock (<see cref="Now"/>): arrange rows in
/// <see cref="Db"/>, run the job with <see cref="Worker"/>, assert rows, files and exit codes.
/// </summary>
public abstract class DatabaseJobTest
{
    protected TestDatabase Db { get; private set; } = null!;
    protected WorkerHarness Worker { get; private set; } = null!;

    /// <summary>The worker's clock, standing at <see cref="Now"/> when each test starts; advance it to let time pass.</summary>
    protected FakeTimeProvider Clock { get; private set; } = null!;

    /// <summary>The worker's clock for every run of the test.</summary>
    protected abstract DateTimeOffset Now { get; }

    /// <summary>Configuration the worker starts with, beside the harness' own; called once the database exists.</summary>
    protected virtual Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    [SetUp]
    public async Task CreateDatabaseAndWorkerAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Clock = new FakeTimeProvider(Now);
        Worker = new WorkerHarness(Db, await SettingsAsync(), Clock);
    }

    [TearDown]
    public async Task DisposeDatabaseAndWorkerAsync()
    {
        await Worker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

using System.Text.Json;
using Aionis.Worker.Running;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Support;

/// <summary>
/// Per test: a database with rows worth backing up, the worker on a fixed night-time clock (its SDKs pointed at s3rver and
/// azurite), and a local backup target.
/// </summary>
public abstract class BackupsFixture
{
    protected static readonly DateTimeOffset Night = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    protected TestDatabase Db { get; private set; } = null!;
    protected FakeTimeProvider Clock { get; private set; } = null!;
    protected WorkerHarness Worker { get; private set; } = null!;
    protected string Target { get; private set; } = null!;

    [SetUp]
    public async Task CreateDatabaseAndWorkerAsync()
    {
        Db = await TestDatabase.CreateAsync();
        await Db.AddBackupWorthyRowsAsync(Night);
        Clock = new FakeTimeProvider(Night);
        Worker = new WorkerHarness(Db, PublishingTargets.Settings(), Clock);
        Target = Path.Combine(Worker.ArtifactsRoot, "offsite");
    }

    [TearDown]
    public async Task DisposeDatabaseAndWorkerAsync()
    {
        await Worker.DisposeAsync();
        await Db.DisposeAsync();
    }

    /// <summary>Runs backup-create to <see cref="Target"/> and returns its summary.</summary>
    protected async Task<JsonElement> CreateBackupAsync()
    {
        var result = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = Target });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        return WorkerHarness.SummaryJson(result);
    }
}

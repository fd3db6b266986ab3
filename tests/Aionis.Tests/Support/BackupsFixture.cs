using System.Text.Json;
using Aionis.Worker.Running;

namespace Aionis.Tests.Support;

/// <summary>
/// Per test: a database with rows worth backing up, the worker on a fixed night-time clock (its SDKs pointed at s3rver and
/// azurite), and a local backup target.
/// </summary>
public abstract class BackupsFixture : DatabaseJobTest
{
    protected override DateTimeOffset Now => new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    /// <summary>A local backup target: the folder <c>offsite</c> under the worker's artifacts root.</summary>
    protected string Target => Path.Combine(Worker.ArtifactsRoot, "offsite");

    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(PublishingTargets.Settings());

    [SetUp]
    public Task AddRowsWorthBackingUpAsync() => Db.AddBackupWorthyRowsAsync(Now);

    /// <summary>Runs backup-create to <see cref="Target"/> and returns its summary.</summary>
    protected async Task<JsonElement> CreateBackupAsync()
    {
        var result = await Worker.RunAsync("backup-create", new Dictionary<string, object?> { ["target"] = Target });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        return WorkerHarness.SummaryJson(result);
    }
}

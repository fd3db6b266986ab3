namespace Aionis.Tests.Support;

/// <summary>
/// Commands of the real <c>aionis</c> binary (<see cref="AionisCli"/>) against one database per fixture whose registry is
/// synced: the key-rotation task, daily (<see cref="KeyRotationRegistry"/>), in a scratch folder that also holds the
/// artifacts and spool (<see cref="Env"/>). The tests of a fixture share it, so each asserts on what its own commands changed.
/// </summary>
public abstract class CliFixtureTest
{
    protected TestDatabase Db { get; private set; } = null!;
    protected string Dir { get; private set; } = null!;
    protected string RegistryPath => Path.Combine(Dir, "task_registry.yml");
    protected Dictionary<string, string?> Env { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAndSyncRegistryAsync()
    {
        Db = await TestDatabase.CreateAsync();
        Dir = Directory.CreateTempSubdirectory("aionis-cli-").FullName;
        await KeyRotationRegistry.WriteAsync(RegistryPath, "0 6 * * *");
        Env = AionisCli.EnvFor(Db, Dir);
        var sync = await AionisCli.RunAsync(["registry", "sync", "--registry", RegistryPath], Env);
        Assert.That(sync.ExitCode, Is.EqualTo(0), sync.Stderr);
    }

    [OneTimeTearDown]
    public async Task DisposeDatabaseAndFolderAsync()
    {
        await Db.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }
}

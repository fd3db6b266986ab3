namespace Aionis.Tests.Support;

/// <summary>
/// A test of the real <c>aionis</c> binary (<c>serve</c>, <see cref="ServeProcess"/>, or any command, <see cref="AionisCli"/>):
/// a fresh database, a scratch folder for artifacts and spool, and the path of the registry file the test writes there.
/// Nothing is shared between the tests of a fixture, so each test gets its own instance and they run in parallel too:
/// the long daemon fixtures (a few tests of a minute each) no longer run their tests one after another at the end.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[Parallelizable(ParallelScope.All)]
public abstract class BinaryTest
{
    protected TestDatabase Db { get; private set; } = null!;
    protected string Dir { get; private set; } = null!;
    protected string RegistryPath => Path.Combine(Dir, "task_registry.yml");

    /// <summary>The test's database: by default cloned from the migrated template.</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.CreateAsync();

    [SetUp]
    public async Task CreateDatabaseAndFolderAsync()
    {
        Db = await CreateDatabaseAsync();
        Dir = Directory.CreateTempSubdirectory("aionis-serve-").FullName;
    }

    [TearDown]
    public async Task DisposeDatabaseAndFolderAsync()
    {
        await Db.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the folder is under /tmp.
        }
    }
}

namespace Aionis.Tests.Support;

/// <summary>
/// A publishing test: a fresh database, a worker configured for the emulated targets (s3rver, azurite), and a small
/// evidence <see cref="Bundle"/> folder of four files to publish.
/// </summary>
public abstract class PublishingJobTest : DatabaseJobTest
{
    protected string Bundle { get; private set; } = null!;

    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(PublishingTargets.Settings());

    [SetUp]
    public void CreateBundle() => Bundle = PublishingTargets.MakeBundle(files: 3, largeBytes: 5000);

    [TearDown]
    public void DeleteBundle() => Directory.Delete(Bundle, recursive: true);
}

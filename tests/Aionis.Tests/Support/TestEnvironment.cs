namespace Aionis.Tests.Support;

/// <summary>The services scripts/test.sh started. A missing one fails the test run; it never turns into skipped tests.</summary>
public static class TestEnvironment
{
    public static string PostgresAdmin => Required("AIONIS_TEST_PG");
    public static string S3Endpoint => Required("AIONIS_TEST_S3_ENDPOINT");
    public static string AzureConnectionString => Required("AIONIS_TEST_AZURE_CONNECTION_STRING");

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Aionis.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Aionis.sln not found above the test binaries");
        }
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test.sh, which starts PostgreSQL, s3rver and azurite");
}

namespace Aionis.Jobs.Backups;

/// <summary>pg_dump or pg_restore ended with a non-zero exit code; the message carries its first error.</summary>
public sealed class PgClientException(string program, int exitCode, string error)
    : Exception($"{program} exited with code {exitCode}: {error}")
{
    public string Program { get; } = program;
    public int ExitCode { get; } = exitCode;
}

using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Backups;

public sealed record PitrVerifySummary(
    bool Ok,
    bool Strict,
    bool DryRun,
    string Stanza,
    int? Repo,
    string? Set,
    string Command,
    int? ExitCode,
    IReadOnlyList<VerifyFinding> InvalidFiles,
    IReadOnlyList<string> Errors,
    double DurationSeconds) : IJobSummary;

/// <summary>
/// <c>pgbackrest verify</c>: every backup file and archived WAL segment is read back and checked against its checksum.
/// Any invalid or missing file, any error status, and a non-zero exit make the summary not ok, each bad file named.
/// </summary>
[Job("pitr-verify", "pgbackrest verify of the stanza's repository; names every invalid or missing file",
    Permissions = [Permissions.RunPgBackRest], Time = TimeDependence.PresentOnly)]
public sealed class PitrVerifyJob(PgBackRest pgBackRest) : IJob<PitrVerifyOptions, PitrVerifySummary>
{
    public async Task<PitrVerifySummary> RunAsync(PitrVerifyOptions options, JobContext context)
    {
        string[] arguments = ["--log-level-console=info", .. PgBackRest.RepoArgument(options.Repo), .. options.Set is { } set ? [$"--set={set}"] : Array.Empty<string>()];
        var command = pgBackRest.Describe("verify", arguments);
        if (context.DryRun)
        {
            // verify only reads, but it reads the whole repository: a dry run names the command and leaves the load alone.
            context.Actions.Record("pgbackrest_verify", command, 1);
            context.Progress($"[pitr-verify] dry run: would run {command}");
            return new PitrVerifySummary(true, options.Strict, true, pgBackRest.Stanza, options.Repo, options.Set, command, null, [], [], 0);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await pgBackRest.RunAsync("verify", arguments, context.CancellationToken);
        watch.Stop();
        var output = result.Stdout + "\n" + result.Stderr;
        var findings = PgBackRestVerifyOutput.Findings(output);
        var errors = PgBackRestVerifyOutput.Errors(output).ToList();
        if (result.ExitCode != 0) errors.Insert(0, $"pgbackrest verify exited with code {result.ExitCode}: {result.Error}");
        context.Actions.Record("pgbackrest_verify", command, 1, new { invalid_files = findings.Count });
        foreach (var finding in findings) context.Progress($"[pitr-verify] {finding.Problem}: {finding.File}");
        var ok = result.ExitCode == 0 && findings.Count == 0 && errors.Count == 0;
        return new PitrVerifySummary(ok, options.Strict, false, pgBackRest.Stanza, options.Repo, options.Set, command, result.ExitCode,
            findings, errors, JobMath.Round6(watch.Elapsed.TotalSeconds));
    }
}

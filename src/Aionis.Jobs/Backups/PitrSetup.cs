using System.Globalization;

namespace Aionis.Jobs.Backups;

/// <summary>One checked server setting: what it is, whether it is right, and the postgresql.conf line that makes it right.</summary>
public sealed record PitrSetupFinding(string Setting, string Current, bool Ok, string Required, string Fix, string Apply);

/// <summary>What <c>aionis backups pitr-setup</c> found: the server's settings and whether pgBackRest knows the stanza.</summary>
public sealed record PitrSetupReport(string Stanza, IReadOnlyList<PitrSetupFinding> Settings, bool StanzaExists, string StanzaStatus, IReadOnlyList<string> PgBackRestConf)
{
    public bool ServerOk => Settings.All(s => s.Ok);
}

/// <summary>
/// Checks that the worker's database server archives WAL into the configured stanza the way the PITR jobs need it
/// (archive_mode, archive_command naming the stanza, archive_timeout ≤ 60 s so RPO stays within minutes, wal_level), and
/// writes the exact lines to change. It changes nothing except, when asked, creating the stanza.
/// </summary>
public sealed class PitrSetup(PitrServerReader server, PgBackRest pgBackRest)
{
    public const int MaxArchiveTimeoutSeconds = 60;

    public async Task<PitrSetupReport> CheckAsync(CancellationToken cancellationToken)
    {
        var settings = pgBackRest.Settings;
        var values = await server.ReadSettingsAsync(cancellationToken);
        string Value(string name) => values.TryGetValue(name, out var s) ? s.Setting : "";

        var archiveCommand = ArchiveCommand(settings);
        var timeout = int.TryParse(Value("archive_timeout"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : 0;
        var command = Value("archive_command");
        var findings = new List<PitrSetupFinding>
        {
            new("wal_level", Value("wal_level"), Value("wal_level") is "replica" or "logical", "replica or logical", "wal_level = replica", "restart"),
            new("archive_mode", Value("archive_mode"), Value("archive_mode") is "on" or "always", "on", "archive_mode = on", "restart"),
            new("archive_command", command,
                command.Contains("archive-push", StringComparison.Ordinal) && command.Contains($"--stanza={settings.Stanza}", StringComparison.Ordinal),
                $"pgbackrest archive-push with --stanza={settings.Stanza}", $"archive_command = '{archiveCommand}'", "reload"),
            new("archive_timeout", $"{timeout}s", timeout is > 0 and <= MaxArchiveTimeoutSeconds,
                $"1..{MaxArchiveTimeoutSeconds}s (a partly filled WAL segment is archived at least this often)", $"archive_timeout = {MaxArchiveTimeoutSeconds}", "reload"),
        };

        var info = await pgBackRest.RunAsync("info", ["--output=json"], cancellationToken);
        var stanza = info.ExitCode == 0 ? System.Text.Json.JsonSerializer.Deserialize<List<PgBackRestStanzaInfo>>(info.Stdout, PgBackRestStanzaInfo.Json)?.FirstOrDefault() : null;
        // pgBackRest's status codes: 0 ok, 2 no valid backups yet; 1 missing stanza path, 3 missing stanza data… mean "not created".
        var exists = stanza?.Status.Code is 0 or 2;
        var status = stanza?.Status.Message ?? info.Error;
        string[] conf =
        [
            "[global]",
            "repo1-path=/var/lib/pgbackrest",
            "repo1-retention-full=4",
            "start-fast=y",
            "",
            $"[{settings.Stanza}]",
            $"pg1-path={Value("data_directory")}",
            $"pg1-port={Value("port")}",
            $"pg1-socket-path={Value("unix_socket_directories").Split(',')[0].Trim()}",
        ];
        return new PitrSetupReport(settings.Stanza!, findings, exists, status, conf);
    }

    /// <summary><c>pgbackrest stanza-create</c>, then <c>pgbackrest check</c> (which proves that a WAL segment reaches the repository).</summary>
    public async Task<IReadOnlyList<ProcessResult>> CreateStanzaAsync(CancellationToken cancellationToken) =>
    [
        await pgBackRest.RunCheckedAsync("stanza-create", [], cancellationToken),
        await pgBackRest.RunCheckedAsync("check", [], cancellationToken),
    ];

    private static string ArchiveCommand(PgBackRestSettings settings) =>
        string.Join(' ', ["pgbackrest", .. string.IsNullOrEmpty(settings.ConfigPath) ? Array.Empty<string>() : [$"--config={settings.ConfigPath}"],
            $"--stanza={settings.Stanza}", "archive-push", "%p"]);
}

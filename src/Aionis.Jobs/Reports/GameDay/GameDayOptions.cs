using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.GameDay;

public sealed class GameDayOptions : JobOptions, IStrictOptions
{
    [Option("exercise", "The drill: alert-routing (test alert to every channel, SEV2) or backend-outage (a page, then --probe-url polled until restored, SEV1)",
        Required = true, Allowed = [GameDayExercise.AlertRoutingName, GameDayExercise.BackendOutageName])]
    public string Exercise { get; set; } = "";

    [Option("sev", "The on-call level the drill is judged at (default: the exercise's)", Allowed = [OnCallLevel.Sev1, OnCallLevel.Sev2, OnCallLevel.Sev3])]
    public string? Sev { get; set; }

    [Option("channels", "Only these operator channel ids (comma-separated; default: every configured channel)")]
    public string[] Channels { get; set; } = [];

    [Option("probe-url", "backend-outage: the backend's health URL (http/https); restored = the first 2xx after it answered otherwise")]
    public string? ProbeUrl { get; set; }

    [Option("ack-wait-seconds", "How long to watch for acknowledgements a receiver reports (Alertmanager silences); default: the level's target", Min = 0, Max = 86400)]
    public int? AckWaitSeconds { get; set; }

    [Option("restore-wait-seconds", "backend-outage: how long to poll --probe-url for the restore", Min = 0, Max = 86400)]
    public int RestoreWaitSeconds { get; set; } = 3600;

    [Option("poll-interval-ms", "Pause between two polls of the receivers and the probe", Min = 100, Max = 60000)]
    public int PollIntervalMs { get; set; } = 5000;

    [Option("timeout-ms", "Timeout of each HTTP request (delivery attempt, poll, probe), in milliseconds", Min = 1000, Max = 60000)]
    public int TimeoutMs { get; set; } = 8000;

    [Option("sev1-target-minutes", "On-call target: SEV1 acknowledged within", Min = 1, Max = 1440)]
    public double Sev1TargetMinutes { get; set; } = 5;

    [Option("sev2-target-minutes", "On-call target: SEV2 acknowledged within", Min = 1, Max = 1440)]
    public double Sev2TargetMinutes { get; set; } = 15;

    [Option("sev3-target-minutes", "On-call target: SEV3 acknowledged within", Min = 1, Max = 1440)]
    public double Sev3TargetMinutes { get; set; } = 60;

    [Option("restore-target-minutes", "Target: service restored within (backend-outage)", Min = 1, Max = 10080)]
    public double RestoreTargetMinutes { get; set; } = 60;

    [Option("out-dir", "Folder for <exercise>-<time>.json and .md")]
    public string OutDir { get; set; } = "reports/game-day";

    [Option("strict", "Exit 2 when a receiver refused the alert, a target was missed or the outage was never observed")]
    public bool Strict { get; set; }

    public GameDayExercise Drill => GameDayExercise.Named(Exercise);

    public string Level => Sev ?? Drill.DefaultLevel;

    public GameDayTargets Targets => new(Sev1TargetMinutes, Sev2TargetMinutes, Sev3TargetMinutes, RestoreTargetMinutes);

    public TimeSpan AckWait => AckWaitSeconds is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(Targets.AckMinutes(Level));

    public override IEnumerable<OptionError> Validate()
    {
        if (!GameDayExercise.All.Any(e => e.Name == Exercise)) yield break;
        if (Drill.MeasuresRestore && ProbeUrl is null)
        {
            yield return new OptionError("probe-url", null, $"required by --exercise {Exercise}: the health URL whose restore is timed");
        }
        else if (!Drill.MeasuresRestore && ProbeUrl is not null)
        {
            yield return new OptionError("probe-url", Secrets.RedactUrl(ProbeUrl), $"only --exercise {GameDayExercise.BackendOutageName} probes a backend");
        }
        else if (ProbeUrl is not null && !(Uri.TryCreate(ProbeUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            yield return new OptionError("probe-url", Secrets.RedactUrl(ProbeUrl), "allowed an absolute http:// or https:// URL");
        }
    }
}

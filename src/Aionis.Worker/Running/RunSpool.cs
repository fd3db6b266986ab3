using System.Text.Json;
using Aionis.Data.History;
using Aionis.Data.Model;
using Aionis.Worker.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aionis.Worker.Running;

/// <summary>
/// Run records that could not be written because the database was down wait here as one JSON file each,
/// and are written (upserted) when it is back. Nothing is lost and no job runs twice because of it.
/// </summary>
public sealed class RunSpool(IOptions<WorkerOptions> options, ILogger<RunSpool> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory = options.Value.SpoolDirectory;

    public string Directory => _directory;

    public void Keep(JobRun run)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, $"{run.RunId:N}.json");
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(run, Json));
        File.Move(temp, path, overwrite: true);
        RunnerLog.Spooled(logger, run.RunId, path);
    }

    public int Count => System.IO.Directory.Exists(_directory) ? System.IO.Directory.GetFiles(_directory, "*.json").Length : 0;

    /// <summary>Writes every spooled record; stops at the first database failure and leaves the rest for later.</summary>
    public async Task<int> ReplayAsync(RunHistoryStore store, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(_directory)) return 0;
        var written = 0;
        foreach (var path in System.IO.Directory.GetFiles(_directory, "*.json").Order(StringComparer.Ordinal))
        {
            var run = JsonSerializer.Deserialize<JobRun>(await File.ReadAllTextAsync(path, cancellationToken), Json)!;
            await store.WriteFinishedAsync(run, cancellationToken);
            File.Delete(path);
            written++;
            RunnerLog.SpoolReplayed(logger, run.RunId);
        }
        return written;
    }
}

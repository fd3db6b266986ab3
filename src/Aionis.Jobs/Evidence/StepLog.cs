namespace Aionis.Jobs.Evidence;

/// <summary>A step's log file in the bundle: lines from any thread (a command's stdout and stderr), flushed as written.</summary>
public sealed class StepLog : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    private StepLog(StreamWriter writer) => _writer = writer;

    /// <summary>Creates (or truncates) the log; it exists, empty, from here on.</summary>
    public static StepLog Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new StepLog(new StreamWriter(path, append: false) { AutoFlush = true });
    }

    public void WriteLine(string line)
    {
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}

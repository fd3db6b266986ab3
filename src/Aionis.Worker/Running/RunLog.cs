using System.Text;
using Aionis.Data.History;

namespace Aionis.Worker.Running;

/// <summary>
/// The log lines of one run waiting to be stored in <c>worker.job_run_logs</c>: the job's progress lines and the
/// worker's log lines inside the run's logging scope. Bounded to the last <see cref="MaxLines"/> lines and
/// <see cref="MaxBytes"/>; older lines are dropped and one marker line says how many. Thread-safe (a job may log from
/// several tasks).
/// </summary>
public sealed class RunLog(TimeProvider clock)
{
    public const int MaxLines = 2000;
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Longer messages are cut, so one line can never take the whole budget.</summary>
    public const int MaxMessageChars = 16 * 1024;

    private readonly Queue<(RunLogLine Line, int Bytes)> _pending = new();
    private readonly Lock _lock = new();
    private int _seq;
    private int _bytes;
    private int _dropped;
    private long _droppedBytes;
    private RunLogLine? _lastDropped;

    public void Add(string level, string message)
    {
        var text = message.Length > MaxMessageChars ? message[..MaxMessageChars] + "… (cut)" : message;
        var bytes = Encoding.UTF8.GetByteCount(text);
        lock (_lock)
        {
            _pending.Enqueue((new RunLogLine(++_seq, clock.GetUtcNow(), level, text), bytes));
            _bytes += bytes;
            while (_pending.Count > MaxLines || _bytes > MaxBytes)
            {
                var (dropped, size) = _pending.Dequeue();
                _bytes -= size;
                _dropped++;
                _droppedBytes += size;
                _lastDropped = dropped;
            }
        }
    }

    /// <summary>
    /// The lines not taken yet, oldest first, behind a truncation marker when lines were dropped. The marker takes the
    /// seq of the last dropped line, so seq stays unique and in order.
    /// </summary>
    public List<RunLogLine> TakePending()
    {
        lock (_lock)
        {
            var lines = new List<RunLogLine>(_pending.Count + 1);
            if (_lastDropped is { } last)
            {
                lines.Add(last with
                {
                    Level = "warn",
                    Message = $"[log truncated: {_dropped} earlier lines ({_droppedBytes} bytes) not kept; a run keeps its last {MaxLines} lines / {MaxBytes / 1024 / 1024} MB]",
                });
            }
            lines.AddRange(_pending.Select(p => p.Line));
            _pending.Clear();
            _bytes = 0;
            _dropped = 0;
            _droppedBytes = 0;
            _lastDropped = null;
            return lines;
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Aionis.Worker.Running;

/// <summary>
/// A logger provider that keeps each log line written inside a <see cref="RunScope"/> in that run's
/// <see cref="RunLog"/> (stored in <c>worker.job_run_logs</c>). The usual level filters apply, as for the console.
/// A job's progress lines arrive here too (category <see cref="RunnerLog.ProgressCategory"/>, Information by default).
/// </summary>
public sealed class RunLogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capturing(RunLogCapture provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (RunScope.Innermost(provider._scopes) is not { } run) return;
            var message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            // A progress line is the job's own words, kept as the job wrote them; the worker's lines say who wrote them.
            var line = category == RunnerLog.ProgressCategory ? message : $"{category}: {message}";
            run.Log.Add(LevelName(logLevel), line.ReplaceLineEndings(" "));
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "crit",
    };
}

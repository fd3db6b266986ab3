using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Aionis.Tests.Support;

/// <summary>One logged line as a reader would see it: category, event id, the formatted text, its values, scopes and exception.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Text);

/// <summary>
/// A logger provider that keeps every line at every level, with the structured values, the scopes and the exception's
/// full text folded into <see cref="CapturedLog.Text"/>: what any sink (journald, OTLP) could end up showing.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var parts = new List<string?> { formatter(state, exception), exception?.ToString() };
            if (state is IEnumerable<KeyValuePair<string, object?>> values) parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            capture._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString()), parts);
            capture.Lines.Enqueue(new CapturedLog(category, logLevel, eventId, string.Join(" | ", parts.Where(p => p is not null))));
        }
    }
}

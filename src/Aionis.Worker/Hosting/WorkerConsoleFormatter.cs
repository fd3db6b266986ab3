using System.Globalization;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Npgsql;

namespace Aionis.Worker.Hosting;

/// <summary>
/// One line per log entry: <c>2026-11-23T22:13:26.025Z warn: Category[id] message</c> in a terminal, and under systemd
/// the journal's form <c>&lt;4&gt;Category[id] message</c> (the journal adds the time). A line written inside a run
/// names it after the category (<c>Category[id] run=… task=… message</c>), so concurrent runs can be told apart. Like the stock single-line and systemd
/// formatters, except that an exception saying the database cannot be reached is told in a few words: during an
/// outage Quartz and Npgsql log it on every retry, and each stack trace is about 6 KB.
/// </summary>
public sealed class WorkerConsoleFormatter(TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "aionis";

    private readonly bool _journal = SystemdHelpers.IsSystemdService();

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null) return;

        textWriter.Write(_journal
            ? $"<{SyslogPriority(logEntry.LogLevel)}>"
            : clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", CultureInfo.InvariantCulture) + LevelName(logEntry.LogLevel) + ": ");
        textWriter.Write($"{logEntry.Category}[{logEntry.EventId.Id}] ");
        if (RunScope.Innermost(scopeProvider) is { } run) textWriter.Write($"{run} ");
        textWriter.WriteLine(logEntry.Exception switch
        {
            null => OneLine(message),
            { } unreachable when PostgresFailures.IsUnreachable(unreachable) => WithShortReason(message, unreachable),
            { } exception => $"{OneLine(message)} {OneLine(exception.ToString())}",
        });
    }

    /// <summary>
    /// The message with the exception told as "(database unreachable: Failed to connect to 127.0.0.1:5432: Connection
    /// refused)"; where the message quotes the exception's own message (Quartz embeds the inner exception's stack trace
    /// in it), the quote is replaced.
    /// </summary>
    private static string WithShortReason(string message, Exception exception)
    {
        var reason = $"(database unreachable: {Reasons(exception)})";
        return exception.Message.Length > 0 && message.Contains(exception.Message, StringComparison.Ordinal)
            ? OneLine(message.Replace(exception.Message, reason, StringComparison.Ordinal))
            : $"{OneLine(message)} {reason}";
    }

    private static string Reasons(Exception exception)
    {
        var reasons = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException || e.InnerException is null) reasons.Add(OneLine(e.Message));
        }
        return string.Join(": ", reasons.Distinct());
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private static int SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => 7,
        LogLevel.Information => 6,
        LogLevel.Warning => 4,
        LogLevel.Error => 3,
        _ => 2,
    };
}

using System.Net.Sockets;
using Aionis.Worker.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Aionis.Tests.Production;

/// <summary>The worker's console lines: one line per entry, and a database outage in a few words instead of a stack trace.</summary>
public sealed class LogFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 22, 13, 26, 25, TimeSpan.Zero);

    private static string Format(LogLevel level, string message, Exception? exception)
    {
        var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "Quartz.Impl.AdoJobStore.ClusterManager", new EventId(3514), message, exception, (m, _) => m);
        new WorkerConsoleFormatter(new FakeTimeProvider(At)).Write(entry, null, writer);
        return writer.ToString();
    }

    /// <summary>The exception as a log sees it after it was thrown: with a stack trace.</summary>
    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static Exception Refused() => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

    [Test]
    public void An_unreachable_database_is_told_by_its_reasons_without_a_stack_trace()
    {
        Assert.That(Format(LogLevel.Warning, "retrying in 00:00:01", Thrown(Refused())), Is.EqualTo(
            "2026-11-23T22:13:26.025Z warn: Quartz.Impl.AdoJobStore.ClusterManager[3514] retrying in 00:00:01 " +
            "(database unreachable: Failed to connect to 127.0.0.1:5432: Connection refused)" + Environment.NewLine));
    }

    [Test]
    public void A_message_quoting_the_exception_has_the_quote_replaced()
    {
        var wrapped = new InvalidOperationException("Failed to obtain DB connection: " + Refused() + "\n   at Quartz.Somewhere()", Refused());

        var line = Format(LogLevel.Error, "Error managing cluster: " + wrapped.Message, wrapped);

        Assert.That(line, Is.EqualTo(
            "2026-11-23T22:13:26.025Z fail: Quartz.Impl.AdoJobStore.ClusterManager[3514] Error managing cluster: " +
            "(database unreachable: Failed to connect to 127.0.0.1:5432: Connection refused)" + Environment.NewLine));
    }

    [Test]
    public void Any_other_exception_keeps_its_stack_trace_on_the_same_line()
    {
        var line = Format(LogLevel.Error, "run failed", Thrown(new InvalidOperationException("boom")));

        Assert.Multiple(() =>
        {
            Assert.That(line, Does.StartWith("2026-11-23T22:13:26.025Z fail: Quartz.Impl.AdoJobStore.ClusterManager[3514] run failed System.InvalidOperationException: boom"));
            Assert.That(line, Does.Contain(" at Aionis.Tests.Production.LogFormatTests."));
            Assert.That(line.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        });
    }
}

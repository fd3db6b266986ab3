using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aionis.Tests.Support;

/// <summary>
/// How the receiver answers one request: a status (with Retry-After for 429s), or never (a hung target: the request is
/// recorded, i.e. accepted, and then no answer comes). <see cref="Latency"/> makes a slow receiver.
/// </summary>
public sealed record ReceiverReply(int Status, string Body = "ok", int? RetryAfterSeconds = null, bool Hang = false)
{
    public TimeSpan Latency { get; init; }

    public static ReceiverReply Ok { get; } = new(200);
    public static ReceiverReply ServerError { get; } = new(500, "boom");
    public static ReceiverReply TooManyRequests(int retryAfterSeconds) => new(429, "slow down", retryAfterSeconds);
    public static ReceiverReply Hung { get; } = new(0, Hang: true);
}

public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>When the receiver had read the request (<see cref="Stopwatch.GetTimestamp"/>), to measure gaps between attempts.</summary>
    public long ReceivedAt { get; } = Stopwatch.GetTimestamp();

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}

/// <summary>A real HTTP alert target: Kestrel on 127.0.0.1 that records every request and answers as scripted.</summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceiverReply> _script = new();
    private WebApplication _app = null!;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The answer once the scripted replies are used up.</summary>
    public ReceiverReply Default { get; set; } = ReceiverReply.Ok;

    public string BaseUrl { get; private set; } = "";

    public string Url(string path = "/hook") => BaseUrl + path;

    public static async Task<AlertReceiver> StartAsync()
    {
        var receiver = new AlertReceiver();
        (receiver._app, receiver.BaseUrl) = await LoopbackHttp.StartAsync(app => app.Run(receiver.HandleAsync));
        return receiver;
    }

    /// <summary>Answers the next requests with these replies, in order.</summary>
    public void Script(params ReceiverReply[] replies)
    {
        foreach (var reply in replies) _script.Enqueue(reply);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue(new ReceivedRequest(context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
        var reply = _script.TryDequeue(out var next) ? next : Default;
        if (reply.Latency > TimeSpan.Zero) await Task.Delay(reply.Latency, context.RequestAborted);
        if (reply.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString();
        await context.Response.WriteAsync(reply.Body);
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}

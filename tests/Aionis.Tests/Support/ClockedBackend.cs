using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Aionis.Tests.Support;

/// <summary>
/// A real backend on 127.0.0.1 for game-day drills whose every request moves the worker's clock on by a known step, so
/// a drill's timings are hand-computable: <c>POST /hook</c> is an alert receiver (2xx after <see cref="HookTakes"/>),
/// <c>GET /healthz</c> answers the scripted statuses in order (then the last one), each probe taking <see cref="ProbeTakes"/>.
/// </summary>
public sealed class ClockedBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<int> _health = new();
    private readonly FakeTimeProvider _clock;
    private WebApplication _app = null!;
    private int _lastHealth = 200;

    private ClockedBackend(FakeTimeProvider clock) => _clock = clock;

    public TimeSpan HookTakes { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan ProbeTakes { get; init; } = TimeSpan.FromMinutes(1);
    public string BaseUrl { get; private set; } = "";
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The statuses the next health probes answer, in order (the last one then stays).</summary>
    public void Health(params int[] statuses)
    {
        _health.Clear();
        foreach (var status in statuses) _health.Enqueue(status);
    }

    public static async Task<ClockedBackend> StartAsync(FakeTimeProvider clock)
    {
        var backend = new ClockedBackend(clock);
        (backend._app, backend.BaseUrl) = await LoopbackHttp.StartAsync(app =>
        {
            app.MapPost("/hook", () =>
            {
                backend.Requests.Enqueue("POST /hook");
                clock.Advance(backend.HookTakes);
                return Results.Ok("ok");
            });
            app.MapGet("/healthz", () =>
            {
                backend.Requests.Enqueue("GET /healthz");
                clock.Advance(backend.ProbeTakes);
                if (backend._health.TryDequeue(out var next)) backend._lastHealth = next;
                return Results.StatusCode(backend._lastHealth);
            });
        });
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

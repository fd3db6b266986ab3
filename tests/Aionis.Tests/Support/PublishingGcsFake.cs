using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aionis.Tests.Support;

/// <summary>
/// An in-test HTTP fake of the GCS JSON API calls the publisher makes (media upload with its <c>ifGenerationMatch</c>
/// precondition, object metadata, list, alt=media download), on Kestrel at 127.0.0.1:0. No GCS emulator runs here; point <c>STORAGE_EMULATOR_HOST</c> at <see cref="Endpoint"/>.
/// </summary>
public sealed class PublishingGcsFake : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredObject> _objects = new();
    private long _generation = 1_700_000_000_000_000;

    private readonly TimeSpan _responseDelay;

    private PublishingGcsFake(TimeSpan responseDelay) => _responseDelay = responseDelay;

    public string Endpoint { get; private set; } = "";

    /// <summary>How many media uploads arrived.</summary>
    public int UploadCount;

    public IReadOnlyCollection<(string Bucket, string Name)> Keys => _objects.Keys.ToList();

    /// <param name="responseDelay">Each upload answers only after this long (to exceed a publish timeout).</param>
    public static async Task<PublishingGcsFake> StartAsync(TimeSpan responseDelay = default)
    {
        var fake = new PublishingGcsFake(responseDelay);
        (fake._app, fake.Endpoint) = await LoopbackHttp.StartAsync(app =>
        {
            app.MapPost("/upload/storage/v1/b/{bucket}/o", fake.UploadAsync);
            app.MapGet("/storage/v1/b/{bucket}/o", fake.List);
            app.MapGet("/storage/v1/b/{bucket}/o/{**name}", fake.GetAsync);
        });
        return fake;
    }

    private async Task<IResult> UploadAsync(string bucket, HttpRequest request)
    {
        if (request.Query["uploadType"] != "media" || request.Query["name"] is not { Count: 1 } name) return Results.BadRequest();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        await Task.Delay(_responseDelay, request.HttpContext.RequestAborted);
        Interlocked.Increment(ref UploadCount);
        var stored = new StoredObject(name[0]!, body.ToArray(), Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
        // GCS preconditions: ifGenerationMatch=N writes only when the live object's generation is N (0: no object), else 412.
        lock (_objects)
        {
            var generation = _objects.GetValueOrDefault((bucket, stored.Name))?.Generation ?? 0;
            if (request.Query["ifGenerationMatch"] is { Count: 1 } match && match[0] != generation.ToString())
            {
                return Results.Json(new { error = new { code = 412, message = "At least one of the pre-conditions you specified did not hold." } },
                    statusCode: 412);
            }
            _objects[(bucket, stored.Name)] = stored;
        }
        return Results.Json(stored.Resource(bucket));
    }

    private IResult List(string bucket, string? prefix) => Results.Json(new
    {
        kind = "storage#objects",
        items = _objects.Where(o => o.Key.Bucket == bucket && o.Key.Name.StartsWith(prefix ?? "", StringComparison.Ordinal))
            .OrderBy(o => o.Key.Name, StringComparer.Ordinal).Select(o => o.Value.Resource(bucket)).ToList(),
    });

    private async Task GetAsync(string bucket, string name, HttpContext context)
    {
        if (!_objects.TryGetValue((bucket, Uri.UnescapeDataString(name)), out var stored))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsJsonAsync(new { error = new { code = 404, message = "No such object" } });
            return;
        }
        if (context.Request.Query["alt"] == "media")
        {
            await context.Response.Body.WriteAsync(stored.Bytes);
            return;
        }
        await context.Response.WriteAsJsonAsync(stored.Resource(bucket));
    }

    public byte[] Read(string bucket, string name) => _objects[(bucket, name)].Bytes;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record StoredObject(string Name, byte[] Bytes, long Generation, DateTimeOffset Updated)
    {
        public object Resource(string bucket) => new
        {
            kind = "storage#object",
            bucket,
            name = Name,
            generation = Generation.ToString(),
            metageneration = "1",
            etag = Convert.ToBase64String(MD5.HashData(Bytes)),
            size = Bytes.Length.ToString(),
            updated = Updated.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        };
    }
}

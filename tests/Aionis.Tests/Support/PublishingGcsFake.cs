using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aionis.Tests.Support;

/// <summary>
/// An in-test HTTP fake of the GCS JSON API calls <c>Google.Cloud.Storage.V1</c> makes, on Kestrel at 127.0.0.1:0 (no
/// GCS emulator runs here; point <c>STORAGE_EMULATOR_HOST</c> at <see cref="Endpoint"/>). The client uploads only
/// resumably: a session POST (with the <c>ifGenerationMatch</c> precondition, checked again when the object is
/// created), then PUTs of <c>Content-Range</c> chunks answered 308 until the last, whose <c>x-goog-hash</c> CRC32C must
/// match the whole object, as GCS rejects a mismatch. Object GET (metadata, or <c>alt=media</c> bytes with their
/// <c>x-goog-hash</c>, which the client checks) and a paged list (two objects a page, so the client follows
/// <c>nextPageToken</c>). Other upload types are refused with 400, so a change in the client shows.
/// </summary>
public sealed partial class PublishingGcsFake : IAsyncDisposable
{
    private const int PageSize = 2;
    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredObject> _objects = new();
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new();
    private long _generation = 1_700_000_000_000_000;

    private readonly TimeSpan _responseDelay;
    private readonly bool _corruptDownloads;

    private PublishingGcsFake(TimeSpan responseDelay, bool corruptDownloads)
    {
        _responseDelay = responseDelay;
        _corruptDownloads = corruptDownloads;
    }

    public string Endpoint { get; private set; } = "";

    /// <summary>How many objects were created by a completed upload.</summary>
    public int UploadCount;

    public IReadOnlyCollection<(string Bucket, string Name)> Keys => _objects.Keys.ToList();

    /// <summary>Upload session ids handed out: like tokens, a session URI lets anyone write the object, so none may be logged.</summary>
    public IReadOnlyCollection<string> SessionIds => _sessions.Keys.ToList();

    /// <summary>Chunk PUTs per object name (the last session's), to show a large file went in several requests.</summary>
    public int ChunksOf(string name) => _sessions.Values.Where(s => s.Name == name).Select(s => s.Chunks).LastOrDefault();

    /// <param name="responseDelay">Each chunk is answered only after this long (to exceed a publish timeout).</param>
    /// <param name="corruptDownloads">alt=media answers with one byte flipped but the stored object's hashes.</param>
    public static async Task<PublishingGcsFake> StartAsync(TimeSpan responseDelay = default, bool corruptDownloads = false)
    {
        var fake = new PublishingGcsFake(responseDelay, corruptDownloads);
        (fake._app, fake.Endpoint) = await LoopbackHttp.StartAsync(app =>
        {
            app.MapPost("/upload/storage/v1/b/{bucket}/o", fake.StartUploadAsync);
            app.MapPut("/upload/storage/v1/b/{bucket}/o", fake.PutChunkAsync);
            app.MapGet("/storage/v1/b/{bucket}/o", fake.List);
            app.MapGet("/storage/v1/b/{bucket}/o/{**name}", fake.Get);
        });
        return fake;
    }

    private async Task<IResult> StartUploadAsync(string bucket, HttpRequest request)
    {
        if (request.Query["uploadType"] != "resumable") return Error(400, $"uploadType '{request.Query["uploadType"]}' is not served by this fake");
        using var metadata = await JsonDocument.ParseAsync(Body(request));
        var name = request.Query["name"] is { Count: 1 } query ? query[0]! : metadata.RootElement.GetProperty("name").GetString()!;
        var session = new UploadSession(name,
            request.Query["ifGenerationMatch"] is { Count: 1 } match ? long.Parse(match[0]!, CultureInfo.InvariantCulture) : null);
        if (!session.PreconditionHolds(Generation(bucket, name))) return PreconditionFailed();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _sessions[id] = session;
        request.HttpContext.Response.Headers.Location = $"{Endpoint}/upload/storage/v1/b/{bucket}/o?uploadType=resumable&upload_id={id}";
        return Results.Ok();
    }

    private async Task<IResult> PutChunkAsync(string bucket, HttpRequest request)
    {
        if (request.Query["upload_id"] is not { Count: 1 } id || !_sessions.TryGetValue(id[0]!, out var session)) return Error(404, "No such upload");
        using var body = new MemoryStream();
        await Body(request).CopyToAsync(body);
        await Task.Delay(_responseDelay, request.HttpContext.RequestAborted);
        // "bytes FIRST-LAST/TOTAL" carries a chunk, "bytes */TOTAL" (or */*) asks how far the upload got.
        var range = ContentRange().Match(request.Headers.ContentRange.ToString());
        if (!range.Success) return Error(400, $"bad Content-Range '{request.Headers.ContentRange}'");
        lock (session)
        {
            if (range.Groups["first"].Success)
            {
                if (long.Parse(range.Groups["first"].Value, CultureInfo.InvariantCulture) != session.Data.Length) return Error(400, "chunk does not continue the upload");
                session.Data.Write(body.GetBuffer(), 0, (int)body.Length);
                session.Chunks++;
            }
            if (!long.TryParse(range.Groups["total"].Value, CultureInfo.InvariantCulture, out var total) || total != session.Data.Length)
            {
                if (session.Data.Length > 0) request.HttpContext.Response.Headers.Range = $"bytes=0-{session.Data.Length - 1}";
                return Results.StatusCode(308);
            }
        }
        var stored = new StoredObject(session.Name, session.Data.ToArray(), Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow);
        if (Crc32cOf(request.Headers["x-goog-hash"].ToString()) is { } sent && sent != stored.Crc32c)
        {
            return Error(400, $"Provided CRC32C \"{sent}\" doesn't match calculated CRC32C \"{stored.Crc32c}\".");
        }
        lock (_objects)
        {
            if (!session.PreconditionHolds(Generation(bucket, session.Name))) return PreconditionFailed();
            _objects[(bucket, session.Name)] = stored;
        }
        Interlocked.Increment(ref UploadCount);
        return Results.Json(stored.Resource(bucket));
    }

    private IResult List(string bucket, string? prefix, string? pageToken)
    {
        var all = _objects.Where(o => o.Key.Bucket == bucket && o.Key.Name.StartsWith(prefix ?? "", StringComparison.Ordinal))
            .OrderBy(o => o.Key.Name, StringComparer.Ordinal).Select(o => o.Value).ToList();
        var start = pageToken is null ? 0 : int.Parse(pageToken, CultureInfo.InvariantCulture);
        var page = all.Skip(start).Take(PageSize).Select(o => o.Resource(bucket)).ToList();
        return Results.Json(new
        {
            kind = "storage#objects",
            items = page,
            nextPageToken = start + PageSize < all.Count ? (start + PageSize).ToString(CultureInfo.InvariantCulture) : null,
        });
    }

    private IResult Get(string bucket, string name, HttpContext context)
    {
        if (!_objects.TryGetValue((bucket, Uri.UnescapeDataString(name)), out var stored)) return Error(404, "No such object");
        if (context.Request.Query["alt"] != "media") return Results.Json(stored.Resource(bucket));
        context.Response.Headers["x-goog-hash"] = $"crc32c={stored.Crc32c},md5={stored.Md5}";
        context.Response.Headers["x-goog-generation"] = stored.Generation.ToString(CultureInfo.InvariantCulture);
        var bytes = stored.Bytes;
        if (_corruptDownloads && bytes.Length > 0)
        {
            bytes = (byte[])bytes.Clone();
            bytes[0] ^= 0xff;
        }
        return Results.Bytes(bytes, "application/octet-stream", enableRangeProcessing: true);
    }

    public byte[] Read(string bucket, string name) => _objects[(bucket, name)].Bytes;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The request body, un-gzipped: the client compresses the JSON it sends (<c>Content-Encoding: gzip</c>).</summary>
    private static Stream Body(HttpRequest request) =>
        request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;

    private long Generation(string bucket, string name) => _objects.GetValueOrDefault((bucket, name))?.Generation ?? 0;

    private static IResult PreconditionFailed() => Error(412, "At least one of the pre-conditions you specified did not hold.");

    private static IResult Error(int code, string message) => Results.Json(new { error = new { code, message } }, statusCode: code);

    private static string? Crc32cOf(string header) =>
        header.Split(',').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("crc32c=", StringComparison.Ordinal))?["crc32c=".Length..];

    /// <summary>CRC32C (Castagnoli, reflected 0x82F63B78) as GCS gives it: the big-endian value in base64.</summary>
    public static string Crc32c(ReadOnlySpan<byte> data)
    {
        var crc = ~0u;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc = ~crc;
        return Convert.ToBase64String([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }

    [GeneratedRegex(@"^bytes (?:(?<first>\d+)-(?<last>\d+)|\*)/(?<total>\d+|\*)$")]
    private static partial Regex ContentRange();

    /// <summary>A resumable upload: where it goes, its precondition and the bytes received so far.</summary>
    private sealed class UploadSession(string name, long? ifGenerationMatch)
    {
        public string Name { get; } = name;
        public MemoryStream Data { get; } = new();
        public int Chunks { get; set; }

        /// <summary>GCS preconditions: ifGenerationMatch=N writes only when the live object's generation is N (0: no object).</summary>
        public bool PreconditionHolds(long liveGeneration) => ifGenerationMatch is not { } expected || expected == liveGeneration;
    }

    private sealed record StoredObject(string Name, byte[] Bytes, long Generation, DateTimeOffset Updated)
    {
        public string Md5 { get; } = Convert.ToBase64String(MD5.HashData(Bytes));
        public string Crc32c { get; } = PublishingGcsFake.Crc32c(Bytes);

        public object Resource(string bucket) => new
        {
            kind = "storage#object",
            bucket,
            name = Name,
            generation = Generation.ToString(CultureInfo.InvariantCulture),
            metageneration = "1",
            etag = $"CL{Generation}EAE=",
            size = Bytes.Length.ToString(CultureInfo.InvariantCulture),
            updated = Updated.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            md5Hash = Md5,
            crc32c = Crc32c,
        };
    }
}

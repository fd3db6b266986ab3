using System.Collections.Concurrent;
using Aionis.Jobs.Publishing;
using Aionis.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Aionis.Tests.Publishing;

/// <summary>
/// The S3 publisher's <c>If-None-Match: *</c> path, which s3rver cannot exercise: s3rver 3.7.1 ignores the header on PUT
/// (the round-trip tests there go through the publisher's listing instead). Here a loopback HTTP receiver answers PutObject
/// the way AWS S3 documents conditional writes (412 Precondition Failed when the key exists) and records what the SDK
/// sent. Its listing is always empty, as when another publisher writes the key between our listing and our PUT — the race
/// only the header closes.
/// </summary>
public sealed class S3ConditionalPutTests
{
    private WebApplication _app = null!;
    private string _endpoint = null!;
    private readonly ConcurrentDictionary<string, byte[]> _objects = new();
    private readonly ConcurrentBag<(string Key, string? IfNoneMatch)> _puts = [];
    private string _bundle = null!;

    [SetUp]
    public async Task SetUp()
    {
        (_app, _endpoint) = await LoopbackHttp.StartAsync(app => app.Run(HandleAsync));
        _bundle = PublishingTargets.MakeBundle(files: 3, largeBytes: 2000);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _app.DisposeAsync();
        Directory.Delete(_bundle, recursive: true);
    }

    [Test]
    public async Task Every_put_is_create_only_and_a_412_for_the_same_bytes_is_a_finished_retry()
    {
        _objects["p/run-1/00_step.json"] = File.ReadAllBytes(Path.Combine(_bundle, "00_step.json"));

        var result = await Publisher().PublishDirectoryAsync(new PublishRequest(_bundle, "run-1"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Ok, Is.True);
            Assert.That(_puts.Select(p => p.Key).Distinct().Order(StringComparer.Ordinal),
                Is.EqualTo(PublishingTargets.Checksums(_bundle).Keys.Select(k => "p/run-1/" + k).Order(StringComparer.Ordinal)), "a create-only PUT for every file (the SDK may retry one)");
            Assert.That(_puts.Select(p => p.IfNoneMatch).Distinct(), Is.EqualTo(new[] { "*" }), "every PutObject carries If-None-Match: *");
        });
    }

    [Test]
    public async Task A_412_for_other_bytes_fails_the_publish_and_the_object_stays()
    {
        var theirs = "another bundle's evidence"u8.ToArray();
        _objects["p/run-1/00_step.json"] = theirs;

        var error = await Assert.ThrowsAsync<ObjectExistsException>(() =>
            Publisher().PublishDirectoryAsync(new PublishRequest(_bundle, "run-1"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("p/run-1/00_step.json"));
            Assert.That(_objects["p/run-1/00_step.json"], Is.EqualTo(theirs));
        });
    }

    private S3Publisher Publisher()
    {
        var settings = PublishingTargets.Settings(azureConnectionString: false);
        settings["AWS_ENDPOINT_URL_S3"] = _endpoint;
        var client = S3ClientFactory.Create(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return new S3Publisher(PublishTarget.Parse("s3://bucket/p", azureConnectionStringSet: false), client);
    }

    /// <summary>Path-style S3: ListObjectsV2 on the bucket, PUT / GET / HEAD on bucket/key.</summary>
    private async Task HandleAsync(HttpContext context)
    {
        var path = Uri.UnescapeDataString(context.Request.Path.Value!.TrimStart('/'));
        var slash = path.IndexOf('/');
        var key = slash < 0 ? "" : path[(slash + 1)..];
        if (key.Length == 0)
        {
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("""<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>""");
            return;
        }
        switch (context.Request.Method)
        {
            case "PUT":
                var ifNoneMatch = context.Request.Headers.IfNoneMatch.FirstOrDefault();
                _puts.Add((key, ifNoneMatch));
                using (var body = new MemoryStream())
                {
                    await context.Request.Body.CopyToAsync(body);
                    if (ifNoneMatch == "*" && !_objects.TryAdd(key, body.ToArray()))
                    {
                        context.Response.StatusCode = 412;
                        context.Response.ContentType = "application/xml";
                        await context.Response.WriteAsync("<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>");
                        return;
                    }
                    _objects[key] = body.ToArray();
                    context.Response.Headers.ETag = ETag(body.ToArray());
                }
                return;
            case "GET" or "HEAD" when _objects.TryGetValue(key, out var bytes):
                context.Response.Headers.ETag = ETag(bytes);
                context.Response.Headers.LastModified = DateTimeOffset.UtcNow.ToString("R");
                context.Response.ContentLength = bytes.Length;
                if (context.Request.Method == "GET") await context.Response.Body.WriteAsync(bytes);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }

    /// <summary>S3's ETag of a single PUT: the quoted hex MD5 of the body (the SDK checks it).</summary>
    private static string ETag(byte[] bytes) => $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes))}\"";
}

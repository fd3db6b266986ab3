using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// <c>gs://bucket/prefix</c> through the GCS JSON API: a create-only media upload per file (streamed), then the object's metadata
/// for the attestation. <see cref="GcsApi"/> supplies the endpoint (or <c>STORAGE_EMULATOR_HOST</c>) and the token.
/// </summary>
public sealed class GcsPublisher(PublishTarget target, GcsApi api) : IPublisher
{
    public PublishTarget Target { get; } = target;

    public async Task<PublishResult> PublishDirectoryAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var runPrefix = Target.RunPrefix(request.RunId);
        var uploads = await AttestedUploads.RunAsync<GcsObjectAttestation, KeyWarning>(request, runPrefix, async (key, file, ct) =>
        {
            await UploadAsync(key, file.FullPath, ct);
            return await AttestAsync(key, ct);
        }, cancellationToken);
        return PublishResult.For(Target, request.RunId,
            new GcsAttestation("json_api", Target.Container, runPrefix, uploads.ObjectCount, uploads.Sample, uploads.Warnings));
    }

    /// <summary>A create-only media upload (<c>ifGenerationMatch=0</c>); an object that exists must hold the same bytes.</summary>
    private async Task UploadAsync(string key, string filePath, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = ObjectPaths.OpenRead(filePath);
            using var body = new StreamContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.ContentLength = content.Length;
            using var request = await api.RequestAsync(HttpMethod.Post,
                $"upload/storage/v1/b/{Uri.EscapeDataString(Target.Container)}/o?uploadType=media&ifGenerationMatch=0&name={Uri.EscapeDataString(key)}",
                cancellationToken);
            request.Content = body;
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            await ExistingObjects.EnsureSameAsync(key, filePath, async ct =>
            {
                var request = await api.RequestAsync(HttpMethod.Get, ObjectPath(key) + "?alt=media", ct);
                var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                return await response.Content.ReadAsStreamAsync(ct);
            }, cancellationToken);
        }
    }

    private async Task<(GcsObjectAttestation? Object, KeyWarning? Warning)> AttestAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var request = await api.RequestAsync(HttpMethod.Get, ObjectPath(key), cancellationToken);
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var item = await response.Content.ReadFromJsonAsync<GcsObject>(cancellationToken) ?? new GcsObject();
            return (new GcsObjectAttestation(key, item.Generation, item.Metageneration, item.Etag, item.Size, item.Updated), null);
        }
        catch (HttpRequestException e)
        {
            return (null, new KeyWarning(key, ObjectPaths.WarningText(e.Message)));
        }
    }

    public async IAsyncEnumerable<PublishedObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pageToken = null;
        do
        {
            var query = $"storage/v1/b/{Uri.EscapeDataString(Target.Container)}/o?prefix={Uri.EscapeDataString(Target.KeyOf(prefix))}"
                + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            using var request = await api.RequestAsync(HttpMethod.Get, query, cancellationToken);
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var page = await response.Content.ReadFromJsonAsync<GcsObjectPage>(cancellationToken) ?? new GcsObjectPage();
            foreach (var item in (page.Items ?? []).OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                yield return new PublishedObject(Target.RelativePathOf(item.Name!), item.Name!, long.TryParse(item.Size, out var size) ? size : 0,
                    DateTimeOffset.TryParse(item.Updated, out var updated) ? updated.ToUniversalTime() : null);
            }
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);
    }

    public async Task DownloadAsync(string path, string destinationFile, CancellationToken cancellationToken)
    {
        using var request = await api.RequestAsync(HttpMethod.Get, ObjectPath(Target.KeyOf(ObjectPaths.CheckRelative(path))) + "?alt=media", cancellationToken);
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
        await ObjectPaths.WriteFileAsync(content, destinationFile, cancellationToken);
    }

    private string ObjectPath(string key) => $"storage/v1/b/{Uri.EscapeDataString(Target.Container)}/o/{Uri.EscapeDataString(key)}";

    /// <summary>The fields of a JSON API object resource the attestation keeps (int64 values arrive as strings).</summary>
    private sealed record GcsObject
    {
        [JsonPropertyName("name")] public string? Name { get; init; }
        [JsonPropertyName("generation")] public string? Generation { get; init; }
        [JsonPropertyName("metageneration")] public string? Metageneration { get; init; }
        [JsonPropertyName("etag")] public string? Etag { get; init; }
        [JsonPropertyName("size")] public string? Size { get; init; }
        [JsonPropertyName("updated")] public string? Updated { get; init; }
    }

    private sealed record GcsObjectPage
    {
        [JsonPropertyName("items")] public List<GcsObject>? Items { get; init; }
        [JsonPropertyName("nextPageToken")] public string? NextPageToken { get; init; }
    }
}

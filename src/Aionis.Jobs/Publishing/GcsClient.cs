using Google.Apis.Auth.OAuth2;
using Google.Apis.Storage.v1;
using Google.Cloud.Storage.V1;
using Microsoft.Extensions.Options;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// The process's one <see cref="StorageClient"/> (thread-safe), built on first use: a one-shot job that publishes
/// nowhere never loads the Google client or looks for credentials (start-up time, issue #16). A build that failed
/// (no application default credentials yet) is tried again by the next publish instead of being kept.
/// The client logs through <c>Google.Apis.ApplicationContext</c>, whose default logger discards everything; nothing
/// here registers one, so session URIs and tokens never reach a log.
/// </summary>
public sealed class GcsClient(IOptions<GcsSettings> options) : IDisposable
{
    private readonly Lock _gate = new();
    private Task<StorageClient>? _client;

    public GcsSettings Settings => options.Value;

    public Task<StorageClient> GetAsync()
    {
        lock (_gate)
        {
            if (_client is null || _client.IsFaulted || _client.IsCanceled) _client = BuildAsync(Settings);
            return _client;
        }
    }

    private static async Task<StorageClient> BuildAsync(GcsSettings settings)
    {
        if (settings.EmulatorBaseUri() is { } emulator)
        {
            return await new StorageClientBuilder { BaseUri = emulator.ToString(), UnauthenticatedAccess = true }.BuildAsync();
        }
        // Least privilege: objects are created and read, never administered (the library would ask for full_control).
        var credential = (await GoogleCredential.GetApplicationDefaultAsync()).CreateScoped(StorageService.Scope.DevstorageReadWrite);
        return await new StorageClientBuilder { Credential = credential }.BuildAsync();
    }

    public void Dispose()
    {
        if (_client is { IsCompletedSuccessfully: true } built) built.Result.Dispose();
    }
}

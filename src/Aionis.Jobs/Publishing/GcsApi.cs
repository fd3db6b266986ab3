using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;

namespace Aionis.Jobs.Publishing;

/// <summary>
/// The GCS JSON API endpoint and its authentication: <c>https://storage.googleapis.com</c> with an OAuth token from the
/// application default credentials, or <c>STORAGE_EMULATOR_HOST</c> (no token), as Google's own client libraries do.
/// </summary>
public sealed class GcsApi
{
    public const string EmulatorHostKey = "STORAGE_EMULATOR_HOST";
    private const string Scope = "https://www.googleapis.com/auth/devstorage.read_write";
    private readonly HttpClient _http;
    private readonly Lazy<Task<ITokenAccess>>? _credential;

    public GcsApi(HttpClient http, string? emulatorHost)
    {
        _http = http;
        if (string.IsNullOrEmpty(emulatorHost))
        {
            BaseAddress = new Uri("https://storage.googleapis.com/");
            _credential = new Lazy<Task<ITokenAccess>>(async () => (await GoogleCredential.GetApplicationDefaultAsync()).CreateScoped(Scope));
        }
        else
        {
            BaseAddress = new Uri((emulatorHost.Contains("://", StringComparison.Ordinal) ? emulatorHost : "http://" + emulatorHost).TrimEnd('/') + "/");
        }
    }

    public Uri BaseAddress { get; }

    public async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string relative, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseAddress, relative));
        if (_credential is not null)
        {
            var token = await (await _credential.Value).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    /// <summary>Sends and fails with the status and the API's error text when the call did not succeed.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, completion, cancellationToken);
        if (response.IsSuccessStatusCode) return response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        response.Dispose();
        throw new HttpRequestException($"GCS {request.Method} {request.RequestUri!.AbsolutePath}: {(int)response.StatusCode} {ObjectPaths.WarningText(body)}",
            null, response.StatusCode);
    }
}

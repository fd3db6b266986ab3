namespace Aionis.Tests.Support;

/// <summary>The monitoring endpoints of a serve process a test started with <see cref="Env"/>.</summary>
public sealed class MonitoredServe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public int Port { get; } = FreeTcpPort.Next();

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The environment that turns serve's endpoints on at <see cref="Port"/>.</summary>
    public Dictionary<string, string?> Env(Dictionary<string, string?>? more = null)
    {
        var env = new Dictionary<string, string?>(more ?? []) { ["Worker__Http__Urls"] = BaseUrl };
        return env;
    }

    /// <summary>Status code and body of a GET; 0 when nothing answers.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(BaseUrl + path);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            return (0, "");
        }
    }
}

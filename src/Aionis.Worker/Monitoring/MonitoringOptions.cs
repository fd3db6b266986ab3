using Aionis.Jobs.Framework;

namespace Aionis.Worker.Monitoring;

/// <summary><c>Worker:Http</c>: where <c>serve</c> answers <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed class MonitoringOptions : ICheckedSettings
{
    public const string UrlsKey = "Worker:Http:Urls";

    /// <summary>
    /// <c>http://host:port</c> addresses separated by <c>;</c>; empty turns the endpoints off. Loopback by default: the
    /// endpoints have no authentication, so reaching them from elsewhere is a decision for whoever sets this.
    /// </summary>
    [Setting(UrlsKey)]
    public string Urls { get; set; } = "http://127.0.0.1:9464";

    public IReadOnlyList<string> Addresses =>
        Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IEnumerable<string> Problems()
    {
        foreach (var address in Addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            {
                yield return $"{UrlsKey} '{Urls}': allowed http://host:port addresses separated by ';' (no path), or empty to turn the endpoints off";
                yield break;
            }
        }
    }
}

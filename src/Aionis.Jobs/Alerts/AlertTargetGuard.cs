using System.Net;
using System.Net.Sockets;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// The SSRF guard of alert targets: targets are https, carry no credentials, name public hosts, and Slack/PagerDuty
/// targets name their vendor's hosts. The same check runs again on the addresses DNS returns when connecting
/// (<see cref="IsPublic"/>), so a public name that resolves to a private address is refused too.
/// </summary>
public sealed class AlertTargetGuard(AlertSettings settings)
{
    private static readonly string[] SlackHosts = ["hooks.slack.com", "hooks.slack-gov.com"];
    private static readonly string[] PagerDutyHosts = ["events.pagerduty.com", "events.eu.pagerduty.com"];

    public bool AllowInsecureTargets => settings.AllowInsecureTargets;

    /// <summary>Why this URL may not be called for this kind of target, or null when it may.</summary>
    public string? Reject(Uri url, AlertTargetKind kind)
    {
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            return $"target scheme '{url.Scheme}' is not allowed (https only)";
        }
        if (settings.AllowInsecureTargets)
        {
            return null;
        }
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return "target must be https (set Alerts:AllowInsecureTargets for local receivers)";
        }
        if (url.UserInfo.Length > 0)
        {
            return "target must not carry credentials";
        }
        var host = url.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (host is "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal))
        {
            return "target host must be public";
        }
        if (IPAddress.TryParse(url.HostNameType == UriHostNameType.IPv6 ? host.Trim('[', ']') : host, out var address) && !IsPublic(address))
        {
            return "target host must be public";
        }
        var vendorHosts = kind switch
        {
            AlertTargetKind.Slack => SlackHosts,
            AlertTargetKind.PagerDuty => PagerDutyHosts,
            _ => null,
        };
        if (vendorHosts is not null && !vendorHosts.Contains(host, StringComparer.Ordinal))
        {
            return $"{(kind == AlertTargetKind.Slack ? "slack" : "pagerduty")} target host must be one of {string.Join(", ", vendorHosts)}";
        }
        return null;
    }

    /// <summary>False for loopback, private, link-local, carrier-grade NAT, multicast and reserved addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && b[1] is 18 or 19));
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !(IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (first & 0xFE) == 0xFC);
        }
        return false;
    }

    /// <summary>Connects only to public addresses unless insecure targets are allowed: the DNS-rebinding half of the guard.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = settings.AllowInsecureTargets ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"target host {endpoint.Host} does not resolve to a public address");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

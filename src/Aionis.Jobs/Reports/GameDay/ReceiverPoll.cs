using Aionis.Jobs.Alerts;

namespace Aionis.Jobs.Reports.GameDay;

/// <summary>One GET's answer: the status (null when no answer came) with the first part of the body, or the error.</summary>
public sealed record PollAnswer(int? Code, string? Body, string? Error)
{
    public bool IsSuccess => Code is >= 200 and < 300;

    public string Text => Code is { } c ? $"http {c}" : Error ?? "no answer";
}

/// <summary>
/// The GETs a drill makes while it watches (Alertmanager's API, the backend's health URL), through the alert client's
/// guard without its retries (requests logged with scheme, host and port only), each with its own timeout. Never throws for a receiver's
/// failure: a refused connection or a timeout is an answer too.
/// </summary>
public sealed class ReceiverPoll(IHttpClientFactory clients)
{
    private const int BodyLimit = 64 * 1024;

    public async Task<PollAnswer> GetAsync(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(AlertSender.ProbeHttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            return new PollAnswer((int)response.StatusCode, body.Length > BodyLimit ? body[..BodyLimit] : body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PollAnswer(null, null, $"timed out after {timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e)
        {
            return new PollAnswer(null, null, e.Message);
        }
    }
}

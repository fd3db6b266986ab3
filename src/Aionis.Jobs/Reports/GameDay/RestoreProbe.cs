namespace Aionis.Jobs.Reports.GameDay;

/// <summary>
/// The backend-outage drill's restore: the health URL probed until it answers 2xx after it answered otherwise (or no
/// answer came). Healthy at the first probe means no outage was staged, and the probe stops there.
/// </summary>
public sealed class RestoreProbe(ReceiverPoll poll, string url, string target)
{
    private int _probes;
    private DateTimeOffset? _firstDownAt;
    private DateTimeOffset? _restoredAt;
    private bool _neverDown;
    private string? _last;

    public bool Done => _restoredAt is not null || _neverDown;

    /// <param name="now">The run's clock, read when the answer came: that is when the backend was seen down or restored.</param>
    public async Task ProbeAsync(Func<DateTimeOffset> now, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _probes++;
        var answer = await poll.GetAsync(url, timeout, cancellationToken);
        _last = answer.Text;
        if (!answer.IsSuccess) _firstDownAt ??= now();
        else if (_firstDownAt is null) _neverDown = true;
        else _restoredAt = now();
    }

    public GameDayRestore Result() => new(target,
        _restoredAt is not null ? GameDayRestore.Restored : _neverDown ? GameDayRestore.NeverDown : GameDayRestore.NotRestored,
        _probes, _firstDownAt, _restoredAt, _restoredAt is null ? null : "probe", _last);
}

using System.Globalization;
using Aionis.Jobs.Framework;
using Aionis.Worker.Running;

namespace Aionis.Worker.Cli;

/// <summary>Times operators type: an ISO-8601 instant (UTC unless it says otherwise) or a duration from now (<c>2h</c>).</summary>
public static class CliTime
{
    public static string Format(DateTimeOffset at) => OperatorTime.Format(at);

    public static bool TryParseInstant(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);

    /// <summary>
    /// The end of a window (<c>--until</c>, <c>--for</c>): in the future and at most <paramref name="max"/> ahead.
    /// </summary>
    /// <returns>null with <paramref name="problem"/> set (one line naming the option and what is allowed).</returns>
    public static DateTimeOffset? ParseFutureEnd(string option, string text, DateTimeOffset now, TimeSpan max, bool durationOnly, out string? problem)
    {
        problem = null;
        DateTimeOffset end;
        if (DurationText.TryParse(text, out var after) && after <= max) end = now + after;
        else if (!durationOnly && TryParseInstant(text, out var at) && at - now <= max) end = at;
        else
        {
            problem = durationOnly
                ? $"{option} '{text}': expected a duration like 2h, at most {DurationText.Format(max)}"
                : $"{option} '{text}': expected a future ISO-8601 time or a duration like 2h, at most {DurationText.Format(max)}";
            return null;
        }
        if (end <= now)
        {
            // A window that ends before it starts is almost surely a typo.
            problem = $"{option} '{text}': {Format(end)} is not in the future (now {Format(now)})";
            return null;
        }
        return end;
    }
}

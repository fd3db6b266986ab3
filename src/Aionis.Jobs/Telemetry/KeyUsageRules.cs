using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

/// <summary>Aggregates of one (key prefix, endpoint) pair as Postgres returns them, before the rules.</summary>
public sealed record KeyUsageCounts(
    string ApiKeyPrefix, string Endpoint,
    long RecentTotal, long RecentServerErrors, long RecentThrottled, double RecentLatencyAvg, double RecentLatencyP95,
    long BaselineTotal, long BaselineServerErrors, long BaselineThrottled, double BaselineLatencyAvg, double BaselineLatencyStddev);

/// <summary>The anomaly rules: request spike, latency regression, error-budget regression.</summary>
public static class KeyUsageRules
{
    public const double SpikeRatio = 2.0;
    public const double MinErrorRate = 0.05;
    public const double ErrorRateRegressionFactor = 2.0;

    public static KeyUsageItem Evaluate(KeyUsageCounts c, KeyUsageRetention window, KeyUsageThresholds thresholds)
    {
        var recentErrorRate = Rate(c.RecentServerErrors + c.RecentThrottled, c.RecentTotal);
        var baselineErrorRate = Rate(c.BaselineServerErrors + c.BaselineThrottled, c.BaselineTotal);
        var expectedRecent = c.BaselineTotal > 0 ? (double)c.BaselineTotal * window.AppliedWindowHours / window.SliceHours : 0;
        var trafficRatio = expectedRecent > 0 ? c.RecentTotal / expectedRecent
            : c.RecentTotal > 0 ? double.PositiveInfinity : 1;
        var zscore = c.BaselineLatencyStddev > 0 ? (c.RecentLatencyAvg - c.BaselineLatencyAvg) / c.BaselineLatencyStddev : 0;

        var reasons = new List<string>();
        if (c.RecentTotal >= thresholds.MinRequests)
        {
            // A pair without baseline (infinite ratio) is never a spike.
            if (double.IsFinite(trafficRatio) && trafficRatio >= SpikeRatio) reasons.Add("request_spike");
            if (zscore >= thresholds.ZscoreThreshold) reasons.Add("latency_regression");
            if (recentErrorRate >= MinErrorRate && recentErrorRate >= ErrorRateRegressionFactor * baselineErrorRate) reasons.Add("error_budget_regression");
        }

        return new KeyUsageItem(
            c.ApiKeyPrefix, c.Endpoint,
            new RecentUsage(c.RecentTotal, c.RecentServerErrors, c.RecentThrottled, JobMath.Round6(recentErrorRate),
                JobMath.Round6(c.RecentLatencyAvg), JobMath.Round6(c.RecentLatencyP95)),
            new BaselineUsage(c.BaselineTotal, c.BaselineServerErrors, c.BaselineThrottled, JobMath.Round6(baselineErrorRate),
                JobMath.Round6(c.BaselineLatencyAvg), JobMath.Round6(c.BaselineLatencyStddev), window.SliceHours),
            new UsageAnomaly(reasons.Count > 0, reasons, double.IsFinite(trafficRatio) ? JobMath.Round6(trafficRatio) : null, JobMath.Round6(zscore)));
    }

    private static double Rate(long errors, long total) => total > 0 ? (double)errors / total : 0;
}

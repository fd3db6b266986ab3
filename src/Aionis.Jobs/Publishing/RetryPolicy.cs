namespace Aionis.Jobs.Publishing;

/// <summary>The worker's backoff: <c>min(max, base · 2^(attempts-1))</c> after the failing attempt.</summary>
public sealed record RetryPolicy(int BaseSeconds, int MaxSeconds)
{
    public int DelaySeconds(int attempts)
    {
        var exponent = Math.Clamp(attempts, 1, 10000) - 1;
        return (int)Math.Min(MaxSeconds, BaseSeconds * Math.Pow(2, Math.Min(exponent, 40)));
    }
}

namespace Aionis.Jobs.Framework;

public static class JobMath
{
    /// <summary>The reference's <c>round(v) = Math.round(v*1e6)/1e6</c>.</summary>
    public static double Round6(double value) => Math.Round(value, 6, MidpointRounding.AwayFromZero);
}
